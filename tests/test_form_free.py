"""The generator, reader and checker (and the layer under them) name no form: every form-specific
word lives in a spec file under workbook_templates/, apart from the spec loader's defaults
(selfeval_xl/model/defaults.py, the first form's released spec relies on them).

String constants in the code are compared with every template id, field key, table key and
table column of every spec (docstrings and comments may still use them as examples). The rest of
the package is held too: the first form's own outputs (its summary sheets, the ledger's
year-on-year figures, a batch's newest return by 报告日期) still name its keys, listed below word
for word, so no new form-specific word can creep in anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

from selfeval_xl.spec import available

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "selfeval_xl"
FORM_FREE = ("generate", "read", "check", "layout", "rules", "model", "spec")
DEFAULTS = PACKAGE / "model" / "defaults.py"
# The first form's summary sheets, year-on-year figures and batch newness: what they still name.
FIRST_FORM_OUTPUTS: dict[str, set[str]] = {
    "cli/collect.py": {"expenditure.total", "income.total", "three_public.total"},
    "ledger/derived.py": {"expenditure.total", "income.total", "three_public.total"},
    "ledger/records.py": {"report.date"},
    "pipeline.py": {"dept.code", "dept.name", "report.date", "report.year"},
    # The published 附件2 report (landed on main beside the project form) lays out the first form's
    # return only; its keys should move into its report spec (workbook_templates/report/) later.
    "render/batch.py": {"dept-selfeval"},
    "render/layout.py": {"dept.name", "evaluators", "goals", "indicators", "report.region", "report.year"},
    # Its inverse, reading a published report back (and carrying last year's workbook over), is the
    # first form's too; the carried keys and the report's landmarks should move into the report spec.
    "importer/carry.py": {"contact.name", "contact.phone", "dept.code", "dept.functions", "dept.name", "dept.tasks",
                          "evaluators", "goals", "indicators", "preparer.name", "preparer.phone", "report.evaluator",
                          "report.issuer", "report.method", "report.region", "report.year"},
    "importer/extract.py": {"evaluators", "goals", "indicators", "report.region", "report.year"},
    "importer/indicators.py": {"indicators"},
    "importer/typed.py": {"dept.name", "expenditure.total", "income.total", "report.year"},
    "summary/charts.py": {"expenditure", "three_public"},
    "summary/export.py": {"assets", "expenditure", "income", "indicators", "three_public"},
    "summary/frame.py": {"assets", "assets.total", "evaluation.grade", "evaluation.score", "expenditure",
                         "expenditure.basic", "expenditure.project", "expenditure.total", "income", "income.total",
                         "indicators", "report.date", "three_public", "three_public.total"},
    "summary/workbook.py": {"assets", "expenditure", "income", "indicators", "three_public"},
}


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


def named_in(path: Path, words: set[str]) -> list[tuple[int, str, str]]:
    """(line, constant, word) for every string constant of `path` that names a form word."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            hit = named(node.value, words)
            if hit:
                out.append((node.lineno, node.value, hit))
    return out


def offenders(words: set[str]) -> list[str]:
    out = []
    for sub in FORM_FREE:
        for path in sorted((PACKAGE / sub).rglob("*.py")):
            if path != DEFAULTS:
                out += [f"{path.relative_to(ROOT)}:{line}: {text!r} names {hit!r}"
                        for line, text, hit in named_in(path, words)]
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


def test_the_rest_of_the_package_names_only_the_first_forms_output_keys() -> None:
    words = form_words()
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if path == DEFAULTS or rel.split("/")[0] in FORM_FREE:
            continue
        hits = {hit for _line, _text, hit in named_in(path, words)} - FIRST_FORM_OUTPUTS.get(rel, set())
        if hits:
            found[rel] = hits
    assert found == {}, "form-specific words belong in workbook_templates/*.yaml (or model/defaults.py)"
