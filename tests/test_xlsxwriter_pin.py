"""The one XlsxWriter internal the project keeps, behind an exact pin.

`generate/workbook.py` overrides `Worksheet._prepare_formula` (a private method) to prepare each
of the template's few hundred formulas once per process instead of on every save: measured
15 ms of 40 ms CPU per generated template (2.2 s per 150 templates). That gain justifies an
internal, so XlsxWriter is pinned exactly; on any other version this test fails loudly and says
what to re-check before moving the pin.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.generate import workbook as gw

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


def test_prepared_formulas_equal_xlsxwriters() -> None:
    sheet = gw._Sheet()
    plain = Worksheet()
    for formula in ('=SUM(B6:D6)', '{=SUMPRODUCT(A1:A3)}', '=IF(XLOOKUP(A1,B1:B3,C1:C3)>0,"✔","✘")',
                    '=_xlfn.STDEV.S(A1:A9)', '=AGGREGATE(9,6,A1:A9)', '=FILTER(A1:A9,B1:B9>0)'):
        for expand in (False, True):
            assert sheet._prepare_formula(formula, expand) == plain._prepare_formula(formula, expand)
            assert sheet._prepare_formula(formula, expand) == plain._prepare_formula(formula, expand)  # cached
