"""The import contract of the package: layers, independent field families, no cycle.

Read from the source (every ``import`` of every module under ``cosy/``, also those inside
functions), so a cycle or a layer breach fails here, naming the modules, before it fails at run
time in one import order and not in another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import cosy

ROOT = Path(cosy.__file__).resolve().parent

LAYERS: tuple[tuple[str, ...], ...] = (
    # highest first; a module may import its own layer and the layers below it
    ("cosy.api", "cosy.cli", "cosy.batch", "cosy.progress", "cosy.review", "cosy.service",
     "cosy.jobs",
     "cosy.evaluation",
     "cosy.evaluation_sets", "cosy.corpus", "cosy.engine.dispatcher"),
    ("cosy.steps",),
    ("cosy.engine", "cosy.kg", "cosy.store", "cosy.inference", "cosy.pdfguard"),
    ("cosy.domain", "cosy.fieldspec", "cosy.ingest", "cosy.config", "cosy.identifiers",
     "cosy.budgets", "cosy"),
)
"""domain <- engine, kg, store <- steps <- api, cli, services. The dispatcher runs jobs (it
writes results to the store), so it sits with the services, not with the engine it drives.
``cosy`` is the package itself; a new top-level module must be given a layer here."""

FIELDS = "cosy.steps.fields"
SHARED_FIELD_MODULES = ("common", "hits", "doc_kinds", "party_words", "mention_roles")
"""What several field families read; these import no family."""
SCORER = ("cosy.evaluation", "cosy.evaluation_sets")
SCORER_USERS = ("cosy.cli", *SCORER)
"""The runtime never imports the scorer: only the command line that runs ``cosy eval``."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = ["cosy", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The cosy modules one module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        g.add_edges_from((name, t) for t in _imports(name, path, modules))
    return g


def _under(module: str, prefix: str) -> bool:
    """The module is ``prefix`` or inside it (the root package ``cosy`` only itself)."""
    return module == prefix or (prefix != "cosy" and module.startswith(prefix + "."))


def layer_of(module: str) -> int:
    """Index of the module's layer (0 highest): the longest matching prefix decides."""
    best, index = "", len(LAYERS)
    for i, layer in enumerate(LAYERS):
        for prefix in layer:
            if _under(module, prefix) and len(prefix) > len(best):
                best, index = prefix, i
    return index


def family_of(module: str) -> str | None:
    """The field family package a module belongs to (``dates``, ``ids`` ...), else None."""
    parts = module.split(".")
    if module.startswith(FIELDS + ".") and len(parts) > 4:
        return parts[3]
    return None


def test_no_import_cycle(graph: nx.DiGraph) -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"modules that import each other (directly or around a cycle): {cycles}"


def test_layers(graph: nx.DiGraph) -> None:
    breaches = [f"{a} imports {b}" for a, b in graph.edges if layer_of(b) < layer_of(a)]
    assert not breaches, "an import against the layers " \
        "(domain <- engine, kg, store <- steps <- api, cli, services): " + "; ".join(breaches)


def test_every_module_has_a_layer(graph: nx.DiGraph) -> None:
    unplaced = sorted(m for m in graph.nodes if layer_of(m) == len(LAYERS))
    assert not unplaced, f"modules in no layer (add them to LAYERS): {unplaced}"


def test_field_families_are_independent(graph: nx.DiGraph) -> None:
    """A family reads another family's work as artifacts, never by import; what two families
    share moves down into the modules of ``cosy.steps.fields`` itself."""
    breaches = [f"{a} imports {b}" for a, b in graph.edges
                if family_of(a) and family_of(b) and family_of(a) != family_of(b)]
    shared = [f"{FIELDS}.{m}" for m in SHARED_FIELD_MODULES]
    breaches += [f"{a} (shared) imports {b}" for a, b in graph.edges
                 if a in shared and (family_of(b) or b == f"{FIELDS}.merge")]
    assert not breaches, "; ".join(breaches)


def test_runtime_never_imports_the_scorer(graph: nx.DiGraph) -> None:
    users = sorted(a for a, b in graph.edges if b in SCORER and a not in SCORER_USERS)
    assert not users, f"{users} import the scorer {SCORER}"


def test_packages_import_no_steps(graph: nx.DiGraph) -> None:
    """Step packages register nothing by being imported: the profile names what runs."""
    inits = [m for m in graph.nodes if _under(m, "cosy.steps")
             and _modules()[m].name == "__init__.py"]
    assert inits and not [f"{m} imports {sorted(graph.successors(m))}" for m in inits
                          if list(graph.successors(m))]


def test_contract_sees_a_breach() -> None:
    """The checks above would fail on a breach (the helpers read layers and families right)."""
    assert layer_of("cosy.engine.dag") > layer_of("cosy.steps.parse")
    assert layer_of("cosy.engine.dispatcher") == 0
    assert layer_of("cosy.fieldspec") == len(LAYERS) - 1
    assert layer_of("cosy.a_new_module") == len(LAYERS)  # unplaced until given a layer
    assert family_of("cosy.steps.fields.dates.select") == "dates"
    assert family_of("cosy.steps.fields.common") is None
    g = nx.DiGraph([("cosy.a", "cosy.b"), ("cosy.b", "cosy.a")])
    assert [c for c in nx.strongly_connected_components(g) if len(c) > 1]
