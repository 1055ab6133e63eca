"""The package's shape, held by walking every module's imports with `ast`.

Arrows point one way (spec → layout → generate; file → read → snapshot → check → reports):
`generate/` and `read/` share only the spec and the naming scheme in `model/`, `check/` never
touches a file, XlsxWriter only writes our Excel outputs. A size budget keeps modules small.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "selfeval_xl"
MAX_LINES = 600

FOUNDATION = {"model", "rules", "spec", "layout"}
UPPER = {"generate", "read", "check", "narrative", "report", "summary", "ledger", "render", "importer", "cli", "api", "pipeline", "web"}
XLSXWRITER_USERS = {"generate", "report", "summary", "ledger", "web"}
FILE_APIS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "iterdir", "glob", "rglob"}


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. selfeval_xl.check.rules
    path: Path
    tree: ast.Module

    @property
    def area(self) -> str:
        """Subpackage (or top-level module) the module belongs to: `check`, `api`, ..."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ""

    @property
    def package(self) -> str:
        return self.name if self.path.name == "__init__.py" else self.name.rpartition(".")[0]


def _modules() -> list[Module]:
    out = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append(Module(".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return out


def imports_of(mod: Module) -> set[str]:
    """Every dotted name the module imports (for `from a import b`: both `a` and `a.b`)."""
    found: set[str] = set()
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def areas_imported(mod: Module) -> set[str]:
    """The selfeval_xl subpackages / top-level modules this module depends on (not itself)."""
    areas = {name.split(".")[1] for name in imports_of(mod) if name.startswith("selfeval_xl.")}
    return {a for a in areas if a in _AREAS and a != mod.area}


def top_level(mod: Module) -> set[str]:
    return {name.split(".")[0] for name in imports_of(mod)}


MODULES = _modules()
_AREAS = {m.area for m in MODULES if m.area}


def _in(*areas: str) -> list[Module]:
    return [m for m in MODULES if m.area in areas]


def _violations(mods: list[Module], bad: Callable[[Module], set[str]]) -> list[str]:
    return [f"{m.name}: {sorted(b)}" for m in mods if (b := bad(m))]


def test_walker_sees_imports() -> None:
    # Guards the guard: if the walker saw nothing, every rule below would pass vacuously.
    layout = [m for m in MODULES if m.area == "layout"]
    assert layout and any("model" in areas_imported(m) for m in layout)
    fake = Module("selfeval_xl.check.x", PKG / "check" / "x.py",
                  ast.parse("from ..read import snapshot\nimport zipfile\ndef f():\n    import openpyxl\n"))
    assert areas_imported(fake) == {"read"}
    assert {"zipfile", "openpyxl"} <= top_level(fake)


def test_generate_and_read_never_import_each_other() -> None:
    assert not _violations(_in("generate"), lambda m: areas_imported(m) & {"read"})
    assert not _violations(_in("read"), lambda m: areas_imported(m) & {"generate"})


def test_check_never_touches_files_or_workbook_libraries() -> None:
    forbidden_areas = {"read", "generate", "report", "summary", "ledger", "cli", "pipeline", "api"}
    forbidden_libs = {"zipfile", "openpyxl", "python_calamine", "xlsxwriter", "sqlite3", "shutil"}
    assert not _violations(_in("check"), lambda m: (areas_imported(m) & forbidden_areas) | (top_level(m) & forbidden_libs))


def test_check_opens_no_files() -> None:
    def calls(m: Module) -> set[str]:
        names = set()
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in FILE_APIS:
                    names.add(name)
        return names

    assert not _violations(_in("check"), calls)


def test_model_imports_no_other_subpackage() -> None:
    assert not _violations(_in("model"), areas_imported)


def test_rules_import_only_model() -> None:
    assert not _violations(_in("rules"), lambda m: areas_imported(m) - {"model"})


def test_foundation_never_imports_the_layers_built_on_it() -> None:
    assert not _violations(_in(*FOUNDATION), lambda m: areas_imported(m) & UPPER)


def test_only_the_cli_imports_the_cli() -> None:
    others = [m for m in MODULES if m.area not in {"cli", "__main__"}]
    assert not _violations(others, lambda m: areas_imported(m) & {"cli"})


def test_xlsxwriter_only_writes_excel_outputs() -> None:
    users = [m for m in MODULES if m.area not in XLSXWRITER_USERS]
    assert not _violations(users, lambda m: top_level(m) & {"xlsxwriter"})


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.name)
def test_module_size_budget(mod: Module) -> None:
    lines = len(mod.path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{mod.name} has {lines} lines (budget {MAX_LINES}): split it by job"
