"""The one XlsxWriter internal the project keeps, behind an exact pin.

`generate/workbook.py` overrides `Worksheet._prepare_formula` (a private method): XlsxWriter runs
~30 regexes over every formula, which cost 15 of 40 ms CPU per generated template and 13 of 20 s
for a 100-project blank (50,000 distinct formulas); the override asks XlsxWriter once per set of
function calls whether it would rewrite any, and prepares the rest once per process. That gain justifies an
internal, so XlsxWriter is pinned exactly; on any other version this test fails loudly and says
what to re-check before moving the pin.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.generate import workbook as gw
from selfeval_xl.layout import build_layout
from selfeval_xl.spec import default_template, template_ids

ROOT = Path(__file__).resolve().parents[1]
PINNED = "3.3.1"


def test_xlsxwriter_is_the_pinned_version() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert f"XlsxWriter=={PINNED}" in deps, "XlsxWriter must stay pinned exactly (see this test's docstring)"
    assert xlsxwriter.__version__ == PINNED, (
        f"XlsxWriter {xlsxwriter.__version__} is installed, but the project overrides its private "
        f"Worksheet._prepare_formula and was verified on {PINNED} only. Before moving the pin: check that "
        "the method still exists with the signature (formula, expand_future_functions=False), is still what "
        "write_formula, data validation and conditional formats call, and that test_prepared_formulas_equal_"
        "xlsxwriters passes; or drop generate.workbook._Sheet.")


def test_the_overridden_method_is_the_one_xlsxwriter_calls() -> None:
    sig = inspect.signature(Worksheet._prepare_formula)
    assert list(sig.parameters) == ["self", "formula", "expand_future_functions"]
    source = inspect.getsource(Worksheet)
    assert len(re.findall(r"self\._prepare_formula\(", source)) >= 4  # write_formula, validation, conditional formats


def test_prepared_formulas_equal_xlsxwriters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gw, "_PREPARED", {})  # nothing prepared by earlier tests
    monkeypatch.setattr(gw, "_UNTOUCHED", {})
    sheet = gw._Sheet()
    plain = Worksheet()
    for formula in ('=SUM(B6:D6)', '{=SUMPRODUCT(A1:A3)}', '=IF(XLOOKUP(A1,B1:B3,C1:C3)>0,"✔","✘")',
                    '=_xlfn.STDEV.S(A1:A9)', '=AGGREGATE(9,6,A1:A9)', '=FILTER(A1:A9,B1:B9>0)',
                    # rewrites depend on what precedes the name: a letter, a CJK character, a
                    # space, a dot, a bracket, the start; XlsxWriter's `\SINGLE\(` takes any
                    # non-space character with it
                    '=SORT(A1:A3)', '=XSORT(A1)', '=审SORT(A1)', '= SORT(A1)', '=A.SORT(A1)', '=(SORT(A1))',
                    '=IF(A1,"SORT(")', '=INGLE(A1)', '=(INGLE(A1))', '=SUM(INGLE(A1))', '= INGLE(A1)', '=ASINGLE(A1)',
                    '=SUM(A1)+LEN("x")&UNIQUE(B1:B3)', '=IF((A1>0),SUM(B1),SORTBY(A1:A3,B1:B3))', '=SUM(A1)}'):
        for expand in (False, True):
            assert sheet._prepare_formula(formula, expand) == plain._prepare_formula(formula, expand)
            assert sheet._prepare_formula(formula, expand) == plain._prepare_formula(formula, expand)  # cached


def test_every_formula_of_every_form_is_prepared_as_xlsxwriter_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path against XlsxWriter itself on the real formulas (two project sheets: the
    texts that differ between copies are the sheet names)."""
    monkeypatch.setattr(gw, "_PREPARED", {})
    monkeypatch.setattr(gw, "_UNTOUCHED", {})
    plain = Worksheet()
    for form in template_ids():
        sheet = gw._Sheet()
        for f in build_layout(default_template(form), 2, 2).formulas:
            assert sheet._prepare_formula("=" + f.formula) == plain._prepare_formula("=" + f.formula), f.formula
