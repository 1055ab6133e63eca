"""The code, the spec and the contract (docs/data-model.md) agree.

Field keys, rule ids and finding codes are public interface: the contract's tables are parsed
here and compared with `model/codes.py` and the template spec, so a rename or a forgotten code
fails a test instead of breaking someone's automation.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from selfeval_xl.model.codes import CODES
from selfeval_xl.spec import available, default_template

PROJECT_FORM = "project-selfeval"

ROOT = Path(__file__).resolve().parents[1]
DATA_MODEL = ROOT / "docs" / "data-model.md"
CODES_PY = ROOT / "selfeval_xl" / "model" / "codes.py"



def _section(number: int) -> str:
    text = DATA_MODEL.read_text(encoding="utf-8")
    m = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, re.M | re.S)
    assert m, f"data-model.md has no section {number}"
    return m.group(0)


def _table_rows(section: str) -> list[list[str]]:
    """Body rows of every markdown table in the section, cells stripped."""
    rows = []
    for line in section.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-\s|]+\|$", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0].startswith("`"):  # header rows ("| key | label |") have no backticks
                rows.append(cells)
    return rows


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def contract_codes() -> dict[str, str]:
    """code → severity column of §3."""
    return {_ticked(r[0])[0]: r[1] for r in _table_rows(_section(3))}


def contract_code_rules() -> dict[str, list[str]]:
    """code → rule ids (or patterns like `*-total`) its meaning column names."""
    return {_ticked(r[0])[0]: _ticked(r[2]) for r in _table_rows(_section(3))}


def contract_rules() -> dict[str, str]:
    """rule id → severity of §2."""
    return {_ticked(r[0])[0]: r[1] for r in _table_rows(_section(2))}


def contract_field_keys() -> set[str]:
    """Every field key of §1: first column of its tables plus keys named in its prose."""
    sec = _section(1)
    keys = {_ticked(r[0])[0] for r in _table_rows(sec)}
    keys |= set(re.findall(r"`(narrative\.[a-z_]+)`", sec))
    keys |= {k for k in re.findall(r"`([a-z_]+)`: named range", sec)}
    return keys


def contract_project_rules() -> dict[str, tuple[str, str]]:
    """rule id → (severity, code) of §6's rule table."""
    return {_ticked(r[0])[0]: (r[1], _ticked(r[2])[0]) for r in _table_rows(_section(6)) if len(r) == 4}


def contract_project_keys() -> set[str]:
    """Field keys of §6's field table (`funds.total.initial` / `.budget` / `.executed` expanded)."""
    keys: set[str] = set()
    for r in _table_rows(_section(6)):
        if len(r) != 3:
            continue
        ticked = _ticked(r[0])
        keys.add(ticked[0])
        keys |= {ticked[0].rsplit(".", 1)[0] + t for t in ticked[1:] if t.startswith(".")}
    return keys


def _all_rules() -> list:
    return [r for t in available().values() for r in t.rules]


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted((ROOT / "selfeval_xl").rglob("*.py")) if p != CODES_PY}


def test_contract_parses() -> None:
    # Guards the parser: an empty parse would make every comparison below vacuous.
    assert len(contract_codes()) >= 30 and "sum-mismatch" in contract_codes()
    assert len(contract_rules()) >= 14 and "expenditure-total" in contract_rules()
    assert {"expenditure.total", "goals", "explanations", "narrative.overview"} <= contract_field_keys()


def test_codes_equal_the_contract() -> None:
    assert set(CODES) == set(contract_codes())


def test_code_severities_match_the_contract() -> None:
    for code, severity in contract_codes().items():
        declared = CODES[code].severity
        assert (declared or "per rule") == severity, code


def test_every_code_has_a_chinese_title_and_message() -> None:
    for c in CODES.values():
        assert re.search(r"[\u4e00-\u9fff]", c.title), c.code
        assert c.template.strip(), c.code


def test_every_code_is_emitted_somewhere() -> None:
    """A declared code nobody emits is a check that was never written."""
    sources = "\n".join(_sources().values())
    spec_codes = {r.code for r in _all_rules()}
    missing = [c for c in CODES if c not in spec_codes and not re.search(rf"[\"']{re.escape(c)}[\"']", sources)]
    assert not missing, f"finding codes declared but emitted by no module: {missing}"


def test_every_code_is_exercised_by_a_test() -> None:
    own = {Path(__file__).resolve()}
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py") if p.resolve() not in own)
    missing = [c for c in CODES if c not in text]
    assert not missing, f"finding codes no test mentions: {missing}"


def test_every_contract_rule_is_in_the_spec() -> None:
    spec_rules = {r.id: r for r in default_template().rules}
    assert set(contract_rules()) <= set(spec_rules)
    for rule_id, severity in contract_rules().items():
        assert spec_rules[rule_id].severity == severity, rule_id


def test_spec_rules_emit_the_contract_code() -> None:
    """§3 names which rules each code stands for (`*-total` → sum-mismatch, ...)."""
    mapping = contract_code_rules()
    for rule in _all_rules():
        assert rule.code in CODES, (rule.id, rule.code)
        expected = {code for code, ids in mapping.items() if any(fnmatch.fnmatch(rule.id, i) for i in ids)}
        if expected:
            assert rule.code in expected, (rule.id, rule.code, expected)


def test_every_contract_field_key_is_in_the_spec() -> None:
    t = default_template()
    missing = sorted(k for k in contract_field_keys() if k not in t.fields and k not in t.tables)
    assert not missing, f"data-model.md §1 keys missing from the spec: {missing}"


def test_readme_lists_every_code_and_rule() -> None:
    """The finance officer's tables in README.md stay complete as codes and rules are added."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in CODES if f"| `{c}` |" not in readme]
    missing += [r.id for r in _all_rules() if f"| `{r.id}` |" not in readme]
    assert not missing, f"README.md tables lack: {missing}"


def test_project_contract_parses() -> None:
    assert len(contract_project_rules()) == 14 and contract_project_rules()["funds-rate"] == ("error", "funds-mismatch")
    assert {"funds.total.budget", "funds.other.executed", "project_indicators", "evaluation.grade"} <= contract_project_keys()


def test_project_rules_equal_the_contract() -> None:
    t = default_template(PROJECT_FORM)
    assert {r.id: (r.severity, r.code) for r in t.rules} == contract_project_rules()


def test_project_field_keys_are_in_the_spec() -> None:
    t = default_template(PROJECT_FORM)
    missing = sorted(k for k in contract_project_keys() if k not in t.fields and k not in t.tables)
    assert not missing, f"data-model.md §6 keys missing from the project spec: {missing}"
    columns = [c.key for c in t.tables["project_indicators"].columns]
    assert columns[:10] == ["level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "score",
                            "deviation"], "§6: columns in that order"
