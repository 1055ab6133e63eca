"""The spec loader validates every entry and names the offending one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from selfeval_xl.spec import SpecError, default_template
from selfeval_xl.spec.load import build, spec_folder, template_for

SPEC = spec_folder() / "dept-selfeval-1.0.yaml"


@pytest.fixture(scope="module")
def doc():
    return yaml.safe_load(SPEC.read_text("utf-8"))


def test_default_template_loads():
    t = default_template()
    assert (t.id, t.version) == ("dept-selfeval", "1.1")
    base = template_for("dept-selfeval", "1.0")
    assert base is not None and base.sha256 != t.sha256 and base.fields == t.fields and base.rules == t.rules
    assert len(t.sha256) == 64
    assert t.fields["expenditure.total"].precision == 2


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["rules"][1].__setitem__("expr", "expenditure.totl = expenditure.basic"), "rules[1](expenditure-total).expr"),
        (lambda d: d["rules"][1].__setitem__("expr", "expenditure.total == 1"), "rules[1](expenditure-total).expr"),
        (lambda d: d["rules"][1].__setitem__("code", "nope"), "rules[1](expenditure-total).code"),
        (lambda d: d["fields"]["dept.name"].__setitem__("type", "txt"), "fields.dept.name.type"),
        (lambda d: d["sheets"][1]["blocks"][1]["fields"].append("nope.field"), "sheets[1](封面).blocks[1].fields"),
        (lambda d: d["unit_tables"]["income"]["header"][0].append("x"), "unit_tables.income.header[0]"),
        (lambda d: d["grades"].reverse(), "grades"),
        (lambda d: d["sheets"][3]["blocks"][1]["checks"].remove("income-total"), "sheets"),
    ],
)
def test_errors_name_the_entry(doc, mutate, where):
    d = copy.deepcopy(doc)
    mutate(d)
    with pytest.raises(SpecError) as exc:
        build(d, "0" * 64)
    assert str(exc.value).startswith(where), str(exc.value)


def test_every_data_model_field_is_in_spec():
    dm = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
    import re

    text = dm.read_text("utf-8")
    section = text[text.index("## 1."):text.index("## 2.")]
    keys = set(re.findall(r"^\| `([a-z_]+(?:\.[a-z_]+)*)` \|", section, re.M))
    t = default_template()
    known = set(t.fields) | set(t.tables)
    assert keys and keys <= known, sorted(keys - known)
