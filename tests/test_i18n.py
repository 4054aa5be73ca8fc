"""The i18n package: one package per language, one module per area, loaded on first use."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from clientcheck.i18n import keys

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "clientcheck" / "i18n"
AREAS = ("commandline", "core", "loading", "outcomes", "replies")


def _keys_in(path: Path) -> list[str]:
    """The keys a module's STRINGS dict literal defines, duplicates included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    [assign] = [n for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "STRINGS"]
    assert isinstance(assign.value, ast.Dict)
    return [k.value for k in assign.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def test_each_language_has_the_same_areas_and_each_area_the_same_keys() -> None:
    for lang in ("en", "ru"):
        assert sorted(p.stem for p in (PACKAGE / lang).glob("*.py") if p.stem != "__init__") == sorted(AREAS)
    seen: dict[str, str] = {}
    for area in AREAS:
        en, ru = _keys_in(PACKAGE / "en" / f"{area}.py"), _keys_in(PACKAGE / "ru" / f"{area}.py")
        assert len(en) == len(set(en)) and len(ru) == len(set(ru)), area  # a key twice: the last would win
        # English alone has "<key>.one" for a singular Russian writes with a plural form
        assert set(ru) <= set(en) and all(k.endswith(".one") for k in set(en) - set(ru)), area
        for key in en:
            assert key not in seen, (key, area, seen.get(key))  # in two areas: the later would win
            seen[key] = area
    assert set(seen) == keys("en")


def test_every_module_is_under_500_lines() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n >= 500} == {}


def test_a_language_is_loaded_when_first_asked_for() -> None:
    code = (
        "import sys; from clientcheck.i18n import t; t('en', 'verdict.go'); en = sorted(sys.modules); "
        "t('ru', 'verdict.go'); print('clientcheck.i18n.ru' in en, 'clientcheck.i18n.ru.core' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.split() == ["False", "True"]
