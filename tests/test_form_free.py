"""The generator, reader and checker (and the layer under them) name no form: every form-specific
word lives in a spec file under workbook_templates/, apart from the spec loader's defaults
(selfeval_xl/model/defaults.py, the first form's released spec relies on them).

String constants in the code are compared with every template id, field key, table key and
table column of every spec (docstrings and comments may still use them as examples)."""

from __future__ import annotations

import ast
from pathlib import Path

from selfeval_xl.spec import available

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "selfeval_xl"
FORM_FREE = ("generate", "read", "check", "layout", "rules", "model", "spec")
DEFAULTS = PACKAGE / "model" / "defaults.py"


def form_words() -> set[str]:
    words: set[str] = set()
    for t in available().values():
        words |= {t.id, *t.fields, *t.tables, *t.unit_tables}
        words |= {f"{k}.{c.key}" for k, tb in t.tables.items() for c in tb.columns}
    return words


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def named(text: str, words: set[str]) -> str | None:
    """The form word `text` names: itself, or as the head of an input name (`key[3].col`, `key.u2`)."""
    for w in words:
        if text == w or text.startswith((w + "[", w + ".u", w + "!")) or text.endswith("!" + w):
            return w
    return None


def offenders(words: set[str]) -> list[str]:
    out = []
    for sub in FORM_FREE:
        for path in sorted((PACKAGE / sub).rglob("*.py")):
            if path == DEFAULTS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstrings(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                    hit = named(node.value, words)
                    if hit:
                        out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r} names {hit!r}")
    return out


def test_both_forms_are_known() -> None:
    words = form_words()
    assert {"dept-selfeval", "project-selfeval", "expenditure.total", "funds.rate", "indicators",
            "project_indicators.weight"} <= words


def test_generator_reader_checker_name_no_form() -> None:
    assert offenders(form_words()) == []


def test_the_guard_sees_a_form_word(tmp_path: Path) -> None:
    words = form_words()
    assert named("funds.rate", words) == "funds.rate" and named("indicators[3].weight", words)
    assert named("项目2!funds.rate", words) and named("dept-selfeval", words)
    assert named("审核结果", words) is None and named("funds", words) is None
