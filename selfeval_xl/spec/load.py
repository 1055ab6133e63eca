"""Read a YAML spec, validate every entry, and name the offending one when something is wrong."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from selfeval_xl.model.codes import CODES
from selfeval_xl.model.defaults import (
    DEFAULT_EXPLANATIONS,
    DEFAULT_IDENTITY,
    DEFAULT_TEMPLATE_ID,
    DEFAULT_TITLE_FIELDS,
)
from selfeval_xl.model.spec import (
    FIELD_TYPES,
    Block,
    Field,
    GradeBand,
    Identity,
    PartSummary,
    Plausibility,
    Repeat,
    Rule,
    Sheet,
    Table,
    Template,
    UnitTable,
)
from selfeval_xl.rules.parse import RuleSyntaxError, parse, refs

MAX_CONTINUED = 9  # continuation cells of a long text (each up to a row of 409 points)
BLOCK_KINDS = ("title", "heading", "text", "form", "units", "table", "grid", "results")
SEVERITIES = ("error", "warning", "info")
RULE_CODES = ("sum-mismatch", "cross-check", "score-out-of-range", "grade-mismatch", "indicator-weights", "indicator-score",
              "funds-mismatch", "expected-score", "reason-missing")


class SpecError(ValueError):
    """A spec entry is wrong; the message starts with its path (e.g. `rules[3].expr`)."""


def spec_folder() -> Traversable:
    """The specs shipped inside the package (`selfeval_xl/templates/`), found through
    importlib.resources so a wheel install reads them as a source checkout does. The top-level
    `workbook_templates/` is the human-facing copy; tests/test_packaging.py keeps them identical."""
    return resources.files("selfeval_xl") / "templates"


def spec_files() -> list[Traversable]:
    return sorted((f for f in spec_folder().iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _req(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d or d[key] in (None, ""):
        raise SpecError(f"{where}.{key}: 缺少必填项")
    return d[key]


def _dec(v: Any, where: str) -> Decimal | None:
    if v is None:
        return None
    try:
        return Decimal(str(v))
    except Exception as exc:
        raise SpecError(f"{where}: 不是数字 {v!r}") from exc


_FIELD_KEYS = {"label", "type", "precision", "required", "choices", "min", "max", "max_length", "pattern",
               "default", "prompt", "roster", "width", "footer", "synonyms", "placeholders", "key",
               "compute", "percent", "text_ok", "roster_header"}


def _field(key: str, d: dict[str, Any], where: str,
           choice_lists: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> Field:
    if not isinstance(d, dict):
        raise SpecError(f"{where}: 应为映射")
    unknown = set(d) - _FIELD_KEYS
    if unknown:
        raise SpecError(f"{where}: 未知属性 {sorted(unknown)}")
    ftype = _req(d, "type", where)
    if ftype not in FIELD_TYPES:
        raise SpecError(f"{where}.type: 未知类型 {ftype!r}（可用：{', '.join(FIELD_TYPES)}）")
    choices = d.get("choices") or ()
    keys: tuple[str, ...] = ()
    if isinstance(choices, str):
        if choices not in choice_lists:
            raise SpecError(f"{where}.choices: 未知列表 {choices!r}")
        choices, keys = choice_lists[choices]
    if ftype == "choice" and not choices:
        raise SpecError(f"{where}.choices: 选择类字段必须列出选项")
    precision = d.get("precision")
    if precision is not None and (not isinstance(precision, int) or not 0 <= precision <= 6):
        raise SpecError(f"{where}.precision: 应为 0–6 的整数")
    if ftype == "money" and precision is None:
        precision = 2
    return Field(
        key=key, label=str(_req(d, "label", where)), type=ftype, precision=precision,
        required=bool(d.get("required", False)), choices=tuple(str(c) for c in choices),
        min=_dec(d.get("min"), f"{where}.min"), max=_dec(d.get("max"), f"{where}.max"),
        max_length=d.get("max_length"), pattern=d.get("pattern"), default=d.get("default"),
        prompt=d.get("prompt"), roster=bool(d.get("roster", False)), width=d.get("width"),
        footer=d.get("footer"), synonyms=tuple(d.get("synonyms") or ()),
        placeholders=tuple(d.get("placeholders") or ()), choice_keys=keys,
        compute=str(d["compute"]) if d.get("compute") is not None else None, percent=bool(d.get("percent", False)),
        text_ok=bool(d.get("text_ok", False)),
        roster_header=str(d["roster_header"]) if d.get("roster_header") is not None else None,
    )


def load_spec(path: str | Path | Traversable) -> Template:
    """Load and validate one spec file; raises SpecError naming the offending entry."""
    if isinstance(path, str):
        path = Path(path)
    doc, raw = _read_doc(path)
    return build(doc, hashlib.sha256(raw).hexdigest(), str(path))


def _read_doc(path: Path | Traversable, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], bytes]:
    """The spec's document with its base version merged in, and the bytes it was made of.

    A later version of a form says `template.extends: "1.0"` and gives only the top-level
    sections it changes (say `sheets`): a released version's file stays as it was shipped, and
    the fields, rules and texts the versions share have one home. The digest covers the base's
    bytes too, so a change to either is a different spec."""
    raw = path.read_bytes()
    try:
        doc = yaml.safe_load(raw.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name}: YAML 语法错误：{exc}") from exc
    if not isinstance(doc, dict):
        raise SpecError(f"{path.name}: 应为映射")
    meta = doc.get("template")
    base_version = meta.get("extends") if isinstance(meta, dict) else None
    if base_version is None:
        return doc, raw
    tid = str(_req(meta, "id", "template"))
    base_name = f"{tid}-{base_version}.yaml"
    if base_name in seen or base_name == path.name:
        raise SpecError(f"{path.name}: template.extends 循环引用 {base_name}")
    base_path = path.parent / base_name if isinstance(path, Path) else _sibling(path, base_name)
    if base_path is None or not base_path.is_file():
        raise SpecError(f"{path.name}: template.extends 指向的 {base_name} 不存在")
    base, base_raw = _read_doc(base_path, (*seen, path.name))
    merged = {**base, **{k: v for k, v in doc.items() if k != "template"}}
    merged["template"] = {**base["template"], **{k: v for k, v in meta.items() if k != "extends"}}
    return merged, base_raw + raw


def _sibling(path: Traversable, name: str) -> Traversable | None:
    """`name` in the folder that holds the packaged spec `path` (Traversable has no parent)."""
    for f in spec_folder().iterdir():
        if f.name == name:
            return f
    return None


def build(doc: dict[str, Any], sha256: str, source: str = "") -> Template:
    meta = _req(doc, "template", "")
    tid, version = str(_req(meta, "id", "template")), str(_req(meta, "version", "template"))

    grades = tuple(GradeBand(str(_req(g, "grade", f"grades[{i}]")), _dec(_req(g, "min", f"grades[{i}]"), f"grades[{i}].min"))  # type: ignore[arg-type]
                   for i, g in enumerate(doc.get("grades") or []))
    if not grades:
        raise SpecError("grades: 至少需要一个评价等次")
    if any(grades[i].min <= grades[i + 1].min for i in range(len(grades) - 1)):
        raise SpecError("grades: 应按分数线从高到低排列")

    rules_doc = doc.get("rules") or []
    # Warnings a department may explain: the spec's warning rules, plus warning codes that no
    # spec rule raises (e.g. three-public-growth from the ledger) listed under `explainable`.
    explainable = [str(x) for x in doc.get("explainable") or []]
    for i, code in enumerate(explainable):
        if code not in CODES or CODES[code].severity != "warning":
            raise SpecError(f"explainable[{i}]: {code!r} 不是警告类审核代码")
    warning_rules = [r for r in rules_doc if r.get("severity") == "warning"]
    # the dropdown offers Chinese names; the program stores the rule id (or the code)
    choice_lists = {"@warning-rules": (
        tuple(str(r.get("name") or r.get("id")) for r in warning_rules) + tuple(CODES[c].title for c in explainable),
        tuple(str(r.get("id")) for r in warning_rules) + tuple(explainable))}
    after = [str(x) for x in doc.get("reviewed_after_submission") or []]
    for i, code in enumerate(after):
        if code not in CODES:
            raise SpecError(f"reviewed_after_submission[{i}]: 未知审核代码 {code!r}")

    fields: dict[str, Field] = {}
    for key, d in (doc.get("fields") or {}).items():
        fields[key] = _field(key, d, f"fields.{key}", choice_lists)

    tables: dict[str, Table] = {}
    for key, d in (doc.get("tables") or {}).items():
        where = f"tables.{key}"
        cols = tuple(_field(f"{key}.{c.get('key')}", c, f"{where}.columns[{i}]", choice_lists)
                     for i, c in enumerate(_req(d, "columns", where)))
        hierarchy = {str(k): tuple(str(x) for x in v) for k, v in (d.get("hierarchy") or {}).items()}
        short = tuple(_short(c) for c in cols)
        pair = tuple(str(x) for x in d.get("hierarchy_columns") or ("level1", "level2"))
        if hierarchy:
            _check_hierarchy(hierarchy, pair, short, f"{where}.hierarchy")
        min_rows = d.get("min_rows", 0)
        if not isinstance(min_rows, int) or not 0 <= min_rows <= int(_req(d, "rows", where)):
            raise SpecError(f"{where}.min_rows: 应为 0 至行数之间的整数")
        tables[key] = Table(key=key, label=str(_req(d, "label", where)), rows=int(_req(d, "rows", where)),
                            columns=short, footer=d.get("footer"),
                            hierarchy=hierarchy, quantitative_level2=tuple(d.get("quantitative_level2") or ()),
                            min_rows=min_rows, hierarchy_columns=(pair[0], pair[1]))

    unit_tables: dict[str, UnitTable] = {}
    for key, d in (doc.get("unit_tables") or {}).items():
        where = f"unit_tables.{key}"
        cols = tuple(_req(d, "columns", where))
        for i, c in enumerate(cols):
            if c not in fields or fields[c].type != "money":
                raise SpecError(f"{where}.columns[{i}]: {c!r} 不是已声明的金额字段")
        header = tuple(tuple(str(x) for x in row) for row in _req(d, "header", where))
        for i, row in enumerate(header):
            if len(row) != len(cols) + 1:
                raise SpecError(f"{where}.header[{i}]: 应有 {len(cols) + 1} 列（机构名称 + 各金额列）")
        unit_tables[key] = UnitTable(key=key, label=str(_req(d, "label", where)), columns=cols, header=header)

    def known(name: str) -> bool:
        base = name
        if name in fields or name in tables:
            return True
        table, _, col = base.partition(".")
        return table in tables and any(c.key == col for c in tables[table].columns)

    def check_expr(text: str, where: str) -> None:
        try:
            tree = parse(text)
        except RuleSyntaxError as exc:
            raise SpecError(f"{where}: {exc}") from exc
        for name in refs(tree):
            if not known(name):
                raise SpecError(f"{where}: 未知字段 {name!r}")

    computed: dict[str, str] = {}
    for key, f in fields.items():
        if f.compute:
            check_expr(f.compute, f"fields.{key}.compute")
            computed[key] = f.compute
    for key, tbl in tables.items():
        for col in tbl.columns:
            if col.compute:
                check_expr(col.compute, f"tables.{key}.columns({col.key}).compute")
                computed[f"{key}.{col.key}"] = col.compute

    rules: list[Rule] = []
    for i, d in enumerate(rules_doc):
        where = f"rules[{i}]"
        rid = str(_req(d, "id", where))
        where = f"rules[{i}]({rid})"
        sev = _req(d, "severity", where)
        if sev not in SEVERITIES:
            raise SpecError(f"{where}.severity: 应为 {SEVERITIES} 之一")
        code = _req(d, "code", where)
        if code not in RULE_CODES:
            raise SpecError(f"{where}.code: 未知审核代码 {code!r}")
        expr = d.get("expr")
        target = d.get("computed")
        if target is not None:
            if target not in computed:
                raise SpecError(f"{where}.computed: {target!r} 不是计算字段")
            expr = f"{target} = {computed[target]}"
        if expr is None and not d.get("units"):
            raise SpecError(f"{where}.expr: 缺少表达式")
        if expr is not None:
            check_expr(str(expr), f"{where}.expr")
        if d.get("when") is not None:
            check_expr(str(d["when"]), f"{where}.when")
        needs = d.get("needs", "any")
        if needs not in ("any", "all", "none"):
            raise SpecError(f"{where}.needs: 应为 any、all 或 none")
        if d.get("each") and d["each"] not in tables:
            raise SpecError(f"{where}.each: 未知表格 {d['each']!r}")
        if rid in {r.id for r in rules}:
            raise SpecError(f"{where}.id: 规则编号重复")
        name = str(_req(d, "name", where))
        if name in {r.name for r in rules}:
            raise SpecError(f"{where}.name: 规则名称重复")
        rules.append(Rule(id=rid, severity=sev, code=code, title=str(_req(d, "title", where)), name=name,
                          expr=str(expr) if expr is not None else None, per_unit=bool(d.get("per_unit")),
                          units=bool(d.get("units")), each=d.get("each"), when=d.get("when"),
                          needs=needs, anchor=d.get("anchor"), computed=target))
    rule_ids = {r.id for r in rules}
    texts = {str(k): str(v).strip() for k, v in (doc.get("texts") or {}).items()}

    sheets: list[Sheet] = []
    placed: set[str] = set()
    checked: set[str] = set()
    for i, s in enumerate(_req(doc, "sheets", "")):
        where = f"sheets[{i}]"
        name = str(_req(s, "name", where))
        if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
            raise SpecError(f"{where}.name: 工作表名称 {name!r} 不合法")
        blocks: list[Block] = []
        for j, b in enumerate(_req(s, "blocks", where)):
            bw = f"{where}({name}).blocks[{j}]"
            kind = _req(b, "kind", bw)
            if kind not in BLOCK_KINDS:
                raise SpecError(f"{bw}.kind: 未知类型 {kind!r}")
            for f in b.get("fields") or []:
                if f not in fields:
                    raise SpecError(f"{bw}.fields: 未知字段 {f!r}")
                if f in placed:
                    raise SpecError(f"{bw}.fields: 字段 {f!r} 重复放置")
                placed.add(f)
            grid_rows: list[tuple[str, ...]] = []
            if kind == "grid":
                header = tuple(str(x) for x in _req(b, "header", bw))
                for k, r in enumerate(_req(b, "rows", bw)):
                    row = tuple(str(x) for x in r)
                    if len(row) != len(header):
                        raise SpecError(f"{bw}.rows[{k}]: 应有 {len(header)} 列（与 header 相同）")
                    for key in row[1:]:
                        if key in fields:
                            if key in placed:
                                raise SpecError(f"{bw}.rows[{k}]: 字段 {key!r} 重复放置")
                            placed.add(key)
                    grid_rows.append(row)
            if kind in ("units", "table"):
                t = _req(b, "table", bw)
                if t not in (unit_tables if kind == "units" else tables):
                    raise SpecError(f"{bw}.table: 未知表格 {t!r}")
                if kind == "units":
                    placed.update(unit_tables[t].columns)
                placed.add(t)
            if b.get("ref") and b["ref"] not in texts:
                raise SpecError(f"{bw}.ref: 未知文本 {b['ref']!r}")
            for c in list(b.get("checks") or []) + list(b.get("footer_checks") or []):
                if c not in rule_ids:
                    raise SpecError(f"{bw}.checks: 未知规则 {c!r}")
                checked.add(c)
            blocks.append(Block(kind=kind, text=b.get("text"), ref=b.get("ref"), formula=b.get("formula"),
                                fields=tuple(b.get("fields") or ()), table=b.get("table"),
                                checks=tuple(b.get("checks") or ()), footer_checks=tuple(b.get("footer_checks") or ()),
                                layout=b.get("layout", "inline"), label_span=int(b.get("label_span", 1)),
                                input_span=int(b.get("input_span", 1)), spans=tuple(b.get("spans") or ()),
                                header=tuple(str(x) for x in b.get("header") or ()), rows=tuple(grid_rows),
                                caption=b.get("caption"), title_fields=_title_fields(b, fields, bw),
                                continued=_continued(b, bw)))
        repeat = bool(s.get("repeat", False))
        if repeat and "{n}" not in name:
            raise SpecError(f"{where}.name: 重复的工作表名称应含 {{n}}（如“项目{{n}}”）")
        sheets.append(Sheet(name=name, widths=tuple(float(w) for w in s.get("widths") or ()), blocks=tuple(blocks),
                            repeat=repeat))
    missing = [k for k in list(fields) + list(tables) if k not in placed]
    if missing:
        raise SpecError(f"sheets: 以下字段或表格未放入任何工作表：{missing}")
    unplaced = sorted(rule_ids - checked)
    if unplaced:
        raise SpecError(f"sheets: 以下规则没有实时校验位置（blocks[].checks）：{unplaced}")

    if sum(1 for sh in sheets if sh.repeat) > 1:
        raise SpecError("sheets: 只能有一张重复的工作表（repeat）")
    repeat = None
    if any(sh.repeat for sh in sheets):
        r = meta.get("repeat") or {}
        repeat = Repeat(label=str(r.get("label", "项目")), min=int(r.get("min", 1)), max=int(r.get("max", 100)))
        if not 1 <= repeat.min <= repeat.max <= 200:
            raise SpecError("template.repeat: 应满足 1 ≤ min ≤ max ≤ 200")
    ident = {**DEFAULT_IDENTITY, **(meta.get("identity") or {})}
    for role, key in ident.items():
        if key not in fields and role != "contact":
            raise SpecError(f"template.identity.{role}: 未知字段 {key!r}")
    identity = Identity(dept_name=ident["dept_name"], dept_code=ident["dept_code"], year=ident["year"],
                        contact=ident["contact"] if ident.get("contact") in fields else None)
    explanations = meta.get("explain_in", DEFAULT_EXPLANATIONS if DEFAULT_EXPLANATIONS in tables else None)
    if explanations is not None and explanations not in tables:
        raise SpecError(f"template.explain_in: 未知表格 {explanations!r}")

    part_summary = _part_summary(doc.get("summary"), fields, t_repeat=repeat is not None)

    return Template(id=tid, version=version, title=str(meta.get("title", "")), amount_unit=str(meta.get("amount_unit", "万元")),
                    sha256=sha256, fields=fields, tables=tables, unit_tables=unit_tables, rules=tuple(rules),
                    sheets=tuple(sheets), grades=grades, texts=texts, source=source,
                    plausibility=_plausibility(doc.get("plausibility") or {}, fields), identity=identity,
                    repeat=repeat, explanations=explanations, part_summary=part_summary,
                    after_submission=tuple(after), explainable=tuple(explainable))


def _plausibility(d: dict[str, Any], fields: dict[str, Field]) -> Plausibility:
    """The `plausibility:` thresholds, each field named there declared with the right type."""
    if not isinstance(d, dict):
        raise SpecError("plausibility: 应为映射")
    pc = d.get("per_capita") or {}
    where = "plausibility.per_capita"
    for attr, ftype, word in (("field", "money", "金额"), ("per", "integer", "整数")):
        declared = fields.get(str(pc.get(attr))) if pc else None
        if pc and (declared is None or declared.type != ftype):
            raise SpecError(f"{where}.{attr}: {pc.get(attr)!r} 不是已声明的{word}字段")
    prev = tuple(str(k) for k in d.get("previous_fields") or ())
    for k in prev:
        if k not in fields or fields[k].type != "money":
            raise SpecError(f"plausibility.previous_fields: {k!r} 不是已声明的金额字段")

    return Plausibility(field=pc.get("field"), per=pc.get("per"),
                        per_capita_min=_dec(pc.get("min"), f"{where}.min"),
                        per_capita_max=_dec(pc.get("max"), f"{where}.max"),
                        narrative_ratio=_dec(d.get("narrative_ratio"), "plausibility.narrative_ratio"),
                        previous_ratio=_dec(d.get("previous_ratio"), "plausibility.previous_ratio"),
                        previous_fields=prev)


def _check_hierarchy(hierarchy: dict[str, tuple[str, ...]], pair: tuple[str, ...], cols: tuple[Field, ...],
                     where: str) -> None:
    """Every parent and child of the hierarchy must be a choice of its column (the dependent
    dropdown offers exactly the hierarchy, so the form cannot offer what the checker refuses)."""
    by_key = {c.key: c for c in cols}
    if len(pair) != 2 or any(k not in by_key for k in pair):
        raise SpecError(f"{where}: hierarchy_columns 应为本表的两列（上级、下级）")
    parent, child = by_key[pair[0]], by_key[pair[1]]
    for p, kids in hierarchy.items():
        if p not in parent.choices:
            raise SpecError(f"{where}.{p}: 不是“{parent.label}”的选项")
        for k in kids:
            if k not in child.choices:
                raise SpecError(f"{where}.{p}: “{k}”不是“{child.label}”的选项")


def _title_fields(b: dict[str, Any], fields: dict[str, Field], where: str) -> tuple[str, ...]:
    """The fields a computed title joins before its text (`formula: report_title`)."""
    if b.get("kind") != "title" or b.get("formula") is None:
        return ()
    keys = tuple(str(k) for k in b.get("title_fields") or DEFAULT_TITLE_FIELDS)
    for k in keys:
        if k not in fields:
            raise SpecError(f"{where}.title_fields: 未知字段 {k!r}")
    return keys


def _part_summary(d: Any, fields: dict[str, Field], t_repeat: bool) -> PartSummary | None:
    """`summary:` of a template with a repeated sheet: which fields the 项目 sheets show."""
    if d is None:
        return None
    if not t_repeat or not isinstance(d, dict):
        raise SpecError("summary: 只用于有重复工作表的模板，应为映射")
    columns = []
    for i, item in enumerate(_req(d, "columns", "summary")):
        key, label = (next(iter(item.items())) if isinstance(item, dict) and len(item) == 1
                      else (item, None))
        if key not in fields:
            raise SpecError(f"summary.columns[{i}]: 未知字段 {key!r}")
        columns.append((str(key), str(label or fields[key].label)))
    keys = {k for k, _ in columns}

    def one(name: str) -> str | None:
        v = d.get(name)
        if v is not None and v not in keys:
            raise SpecError(f"summary.{name}: {v!r} 不在 summary.columns 中")
        return v

    totals = tuple(str(k) for k in d.get("totals") or ())
    ratio = tuple(str(k) for k in d.get("ratio") or ())
    for k in (*totals, *ratio):
        if k not in keys or fields[k].type != "money":
            raise SpecError(f"summary: {k!r} 应为 summary.columns 中的金额字段")
    if ratio and len(ratio) != 2:
        raise SpecError("summary.ratio: 应为两个金额字段（分子、分母）")
    return PartSummary(tuple(columns), totals, (ratio[0], ratio[1]) if ratio else None, one("chart"), one("counts"))


def _continued(b: dict[str, Any], where: str) -> int:
    n = b.get("continued", 0)
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_CONTINUED:
        raise SpecError(f"{where}.continued: 应为 0–{MAX_CONTINUED} 的整数")
    if n and b.get("kind") != "form":
        raise SpecError(f"{where}.continued: 只用于 form 块（其中的长文字字段）")
    return n


def _short(f: Field) -> Field:
    """Table columns keep their short key (`weight`); the table name is the prefix."""
    from dataclasses import replace

    return replace(f, key=f.key.split(".", 1)[1])


@cache
def _shipped() -> dict[tuple[str, str], Template]:
    # Package data does not change while a process runs: read and validated once.
    out: dict[tuple[str, str], Template] = {}
    for f in spec_files():
        t = load_spec(f)
        out[(t.id, t.version)] = t
    return out


def available() -> dict[tuple[str, str], Template]:
    """Every shipped spec, keyed by (template id, version)."""
    return dict(_shipped())


def template_for(template_id: str, version: str) -> Template | None:
    return available().get((template_id, version))


def default_template(template_id: str = DEFAULT_TEMPLATE_ID) -> Template:
    """The newest version of a template (by default the first form, 部门整体支出)."""
    specs = [t for (tid, _v), t in available().items() if tid == template_id]
    if not specs:
        if not available():
            raise SpecError("安装不完整：程序中没有模板规格文件，请重新安装 selfeval-xl")
        raise SpecError(f"没有模板 {template_id} 的规格文件")
    return max(specs, key=lambda t: tuple(int(x) for x in t.version.split(".")))


def template_ids() -> list[str]:
    """Every shipped template id, the default first."""
    ids = sorted({tid for tid, _v in available()})
    return sorted(ids, key=lambda i: i != DEFAULT_TEMPLATE_ID)
