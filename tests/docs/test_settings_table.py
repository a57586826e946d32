"""Every COSY_* setting is documented with its default: the README's configuration table (and
docs/api.md's table of the API settings) against cosy/config.py."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic.fields import FieldInfo

from cosy.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SHELL_VARIABLES = {"COSY_KEY", "COSY_TEST_MONGODB_URI", "COSY_MODELS_ANY_VERSIONS",
                   "COSY_SCREENSHOTS", "COSY_HOSTILE_REPORT"}
"""COSY_ names the docs use that are not settings: the examples' API key, the test switch, the
model build's version switch, where the browser tests keep their screenshots, where the hostile
suite writes its report."""


def shown_default(field: FieldInfo) -> str:
    """The default as the docs write it: computed ones by their ``shown`` form, 50.0 as 50."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown" in extra:
        return str(extra["shown"])
    value = field.default
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def settings() -> dict[str, str]:
    return {f"COSY_{name.upper()}": shown_default(field)
            for name, field in Settings.model_fields.items()}


def table(path: Path) -> dict[str, str]:
    """``COSY_*`` rows of a Markdown table: variable -> default (``A`` / ``B`` rows split)."""
    rows: dict[str, str] = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`COSY_"):
            continue
        names = [n.strip(" `") for n in cells[0].split(" / ")]
        defaults = [d.strip(" `") for d in cells[1].split(" / ")]
        assert len(names) == len(defaults), f"{path.name}: {line}"
        rows.update(zip(names, defaults, strict=True))
    return rows


def test_readme_lists_every_setting_with_its_default() -> None:
    documented, actual = table(ROOT / "README.md"), settings()
    missing = sorted(set(actual) - set(documented))
    unknown = sorted(set(documented) - set(actual))
    assert not missing, f"settings in cosy/config.py without a README row: {missing}"
    assert not unknown, f"README rows for settings cosy/config.py does not have: {unknown}"
    wrong = {k: (documented[k], actual[k]) for k in actual if documented[k] != actual[k]}
    assert not wrong, f"README default differs from cosy/config.py (README, config): {wrong}"


def test_api_settings_table_agrees_with_config() -> None:
    documented, actual = table(ROOT / "docs" / "api.md"), settings()
    assert documented, "docs/api.md has a settings table"
    assert {k: v for k, v in documented.items() if actual.get(k) != v} == {}


def test_docs_name_only_real_settings() -> None:
    actual = set(settings()) | SHELL_VARIABLES
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        named = set(re.findall(r"\bCOSY_[A-Z0-9_]+\b", path.read_text()))
        assert named <= actual, f"{path.name} names unknown settings: {sorted(named - actual)}"
