"""Step names say where a step lives: ``fields.<family>.<stage>[.<variant>]`` for the field
families, each variant declared (no step built in a closure), and the provenance a result
carries names steps that exist."""

from __future__ import annotations

import functools

import pytest

from cosy.corpus import generate_document
from cosy.engine.profiles import load_pipeline

STAGES = {
    "candidates", "normalise", "validate", "context", "cues", "role", "select",  # every family
    "labels", "zones", "ranges", "credit_note", "per_amount", "implied_due", "sections",
    "country", "check", "assign", "categorise", "link",
}
"""The stages a field family's steps are named by; a new stage is a decision, added here."""
NOT_STEPS = {"ingest"}
"""Provenance that is no step: the file name and page count come from ingest."""


def _family(module: str) -> str | None:
    parts = module.split(".")
    return parts[3] if module.startswith("cosy.steps.fields.") and len(parts) > 4 else None


def test_field_steps_are_named_by_family_stage_and_variant() -> None:
    pipeline = load_pipeline()
    bad = []
    for s in pipeline.steps:
        if not s.module.startswith("cosy.steps.fields"):
            continue
        family, parts = _family(s.module), s.name.split(".")
        if family is None:
            ok = s.name == "fields.merge"
        else:
            ok = parts[:2] == ["fields", family] and len(parts) >= 3 and parts[2] in STAGES
        if not ok:
            bad.append(f"{s.name} (in {s.module})")
    assert not bad, bad


def test_no_step_is_built_in_a_closure() -> None:
    """Variants are declared (``@step(..., variants=...)``), so every step function is a
    module-level function a reader finds by its name."""
    built = []
    for s in load_pipeline().steps:
        fn = s.fn.func if isinstance(s.fn, functools.partial) else s.fn
        if fn.__closure__ is not None or "<locals>" in fn.__qualname__:
            built.append(s.name)
    assert not built, built


@pytest.mark.slow
def test_provenance_names_steps_of_the_pipeline(extract_result) -> None:
    """Every step named in a result (fields' triples, breakdown rows) is a step that ran."""
    names = {s.name for s in load_pipeline().steps} | NOT_STEPS
    for seed, doc_type in ((11, "invoice"), (12, "credit_note"), (13, "order")):
        pdf, _ = generate_document(seed, doc_type=doc_type)
        result = extract_result(pdf, "doc.pdf")
        named = {t["step"] for t in result["triples"]}
        named |= {r["step"] for r in result["tax_breakdown"] if r.get("step")}
        assert named <= names, sorted(named - names)
