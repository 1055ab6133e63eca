"""Prefill values for a workbook from a YAML or JSON file keyed by field key.

The file is what a finance officer (or a script reading the 部门决算) writes once:

    dept.name: 中共临湘市委网络安全和信息化委员会办公室
    income: {total: 96, carryover: 16.18}          # nesting is the same as dotted keys
    income.total.u1: 60                              # unit rows (several accounting units)
    units: [{name: 机关, income.total: 60}, ...]     # ... or a list of units
    indicators: [{level1: 产出目标, level2: 数量指标, level3: ..., target: ..., actual: ...}]

It becomes input names (`income.total`, `income.total.u1`, `units.name.u1`,
`indicators[3].weight`) with typed values: amounts as Decimal parsed from the file's own
text (never through float), integers as int, dates as date, texts as str. Only keys and
types are checked here; whether the figures add up is the checker's job, so a faulty
submission can be prefilled on purpose.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import yaml

from selfeval_xl.model.spec import Field, Template, scoped, split_scope

MAX_UNITS = 50
MAX_VALUES_BYTES = 10 * 1024 * 1024
UNIT_NAME = "units.name"
UNITS_KEY = "units"
PARTS_KEY = "projects"  # a list, one mapping per repeated sheet (data-model.md §6's `projects[]`)

_UNIT_NAME_FIELD = Field(key=UNIT_NAME, label="机构名称", type="text", max_length=60)
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+)\.u(?P<n>[1-9][0-9]*)$")
_TABLE_CELL = re.compile(r"^(?P<table>[a-z_]+)\[(?P<row>[0-9]+)\]\.(?P<col>[a-z0-9_]+)$")
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")

TYPE_ZH = {"text": "文字", "longtext": "文字", "phone": "电话号码", "choice": "选项文字", "integer": "整数",
           "money": "金额（数字）", "number": "数字", "date": "日期（如 2022-09-06）"}


class PrefillError(ValueError):
    """A value file cannot be used; the message (Chinese) names the offending key."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class _Raw(str):
    """A YAML/JSON number or boolean kept as the exact text the user wrote."""

    kind: str = "number"


def _raw(text: str, kind: str) -> _Raw:
    r = _Raw(text)
    r.kind = kind
    return r


class _Loader(yaml.SafeLoader):
    """SafeLoader that never turns numbers into floats (nor 'yes'/'no' into booleans)."""


def _construct_raw(kind: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> _Raw:
        return _raw(str(loader.construct_scalar(node)), kind)
    return construct


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_raw("number"))
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_raw("number"))
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_raw("bool"))


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2022-02-30: keep the text, the field check reports it
        return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping that refuses a key given twice (PyYAML would silently keep the last one)."""
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int):
            raise PrefillError(f"第 {key_node.start_mark.line + 1} 行：字段名应为文字")
        if key in out:
            raise PrefillError(f"字段 \"{key}\" 重复出现（第 {key_node.start_mark.line + 1} 行）", str(key))
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PrefillError(f"字段 \"{key}\" 重复出现", key)
        out[key] = value
    return out


# ---- public API -----------------------------------------------------------------------------
def load_values(path: str | Path, template: Template) -> dict[str, object]:
    """Read a YAML/JSON value file into {input name: typed value}; raise PrefillError naming the key."""
    p = Path(path)
    if not p.is_file():
        raise PrefillError(f"找不到数据文件：{p}")
    if p.stat().st_size > MAX_VALUES_BYTES:
        raise PrefillError(f"数据文件过大：{p.name}")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PrefillError(f"数据文件 {p.name} 不是 UTF-8 编码") from exc
    return parse_values(text, template, name=p.name, json_format=p.suffix.lower() == ".json")


def parse_values(text: str, template: Template, *, name: str = "数据文件", json_format: bool = False) -> dict[str, object]:
    """Same as load_values, from text (JSON when json_format, else YAML, of which JSON is a subset)."""
    data = _parse_text(text, name, json_format)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PrefillError(f"{name} 的内容应为“字段: 值”的映射")
    return _Flattener(template).run(data)


def copies_in(values: Mapping[str, object]) -> int:
    """How many repeated sheets (projects) the values fill: the highest 项目N! scope, at least 1."""
    n = 1
    for key in values:
        scope = split_scope(key)[0]
        digits = "".join(ch for ch in scope or "" if ch.isdigit())
        if digits:
            n = max(n, int(digits))
    return n


def typed_value(name: str, text: str, template: Template) -> object:
    """One input name's value from text, typed exactly as a value file types it (None when blank);
    raises PrefillError for an unknown name or a value of the wrong type (the importer's one
    conversion home for reports read back into values)."""
    return _Flattener(template).run({name: text}).get(name)


def units_in(values: Mapping[str, object]) -> int:
    """The number of accounting units the values need (highest `.uN`), 1 when none."""
    n = 1
    for key in values:
        m = _UNIT_SUFFIX.match(key)
        if m:
            n = max(n, int(m.group("n")))
    return n


def dump_values(values: Mapping[str, object], template: Template, *, json_format: bool = False) -> str:
    """Values as a value file, YAML or (json_format) JSON, that load_values reads back to the same
    values: scalars in template order, then units, then tables; amounts exactly as their Decimal."""
    doc = _value_document(values, template)
    if json_format:
        return _json_text(doc) + "\n"
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def _value_document(values: Mapping[str, object], template: Template) -> dict[str, Any]:
    """The value file's structure: flat keys, unit keys `.uN`, tables as lists of rows."""
    out: dict[str, Any] = {}
    for key in template.fields:
        if values.get(key) is not None:
            out[key] = values[key]
    units = units_in(values)
    if any(_UNIT_SUFFIX.match(k) for k in values):
        unit_keys = [UNIT_NAME] + [c for ut in template.unit_tables.values() for c in ut.columns]
        for n in range(1, units + 1):
            for key in unit_keys:
                v = values.get(f"{key}.u{n}")
                if v is not None:
                    out[f"{key}.u{n}"] = v
    for tkey, table in template.tables.items():
        rows: list[dict[str, Any]] = []
        for i in range(1, table.rows + 1):
            row = {c.key: values[f"{tkey}[{i}].{c.key}"] for c in table.columns
                   if values.get(f"{tkey}[{i}].{c.key}") is not None}
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        if rows:
            out[tkey] = rows
    return out


def _json_text(v: Any, indent: str = "") -> str:
    """JSON of a value document; a Decimal is written as the number it is (never through float)."""
    inner = indent + "  "
    if isinstance(v, Mapping):
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_json_text(x, inner)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(v, list):
        items = [inner + _json_text(x, inner) for x in v]
        return "[\n" + ",\n".join(items) + f"\n{indent}]" if items else "[]"
    if isinstance(v, Decimal):
        return f"{v:f}"
    if isinstance(v, dt.date):
        return json.dumps(v.isoformat())
    if isinstance(v, bool | int | str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(f"value of type {type(v).__name__} in a value document")


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, v: Decimal) -> yaml.ScalarNode:
    text = f"{v:f}"
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: yaml.SafeDumper, v: str) -> yaml.ScalarNode:
    if "\n" in v:
        return dumper.represent_scalar("tag:yaml.org,2002:str", v, style="|")
    return dumper.represent_str(v)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


# ---- parsing --------------------------------------------------------------------------------
def _parse_text(text: str, name: str, json_format: bool) -> Any:
    if json_format:
        try:
            return json.loads(text, parse_float=lambda s: _raw(s, "number"), parse_int=lambda s: _raw(s, "number"),
                              parse_constant=lambda s: _raw(s, "number"), object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            raise PrefillError(f"{name} 第 {exc.lineno} 行 JSON 格式错误：{exc.msg}") from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except PrefillError:
        raise
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else "?"
        raise PrefillError(f"{name} 第 {line} 行格式错误：{exc.problem or exc}") from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise PrefillError(f"{name} 格式错误：{exc}") from exc


class _Flattener:
    """Walks the parsed document and produces typed values by input name."""

    def __init__(self, t: Template) -> None:
        self.t = t
        self.out: dict[str, object] = {}
        self.unit_fields = {c: t.fields[c] for ut in t.unit_tables.values() for c in ut.columns if c in t.fields}
        self.known = sorted(set(t.fields) | set(t.tables) | {UNIT_NAME + ".u1", UNITS_KEY, PARTS_KEY}
                            | {f"{k}.u1" for k in self.unit_fields})

    def run(self, data: Mapping[Any, Any]) -> dict[str, object]:
        for k, v in data.items():
            self.walk(str(k), v)
        return self.out

    # A mapping extends the dotted path; lists are tables (or the `units` list); scalars are values.
    def walk(self, path: str, v: Any) -> None:
        if path == PARTS_KEY and self.t.repeat is not None:
            self.parts(v)
            return
        if path in self.t.tables:
            self.table(path, v)
            return
        if path == UNITS_KEY and isinstance(v, list):
            self.units_list(v)
            return
        if isinstance(v, Mapping):
            if path in self.t.fields and path not in self.unit_fields:
                self.wrong_type(path, self.t.fields[path], v)
            for k, child in v.items():
                self.walk(f"{path}.{k}", child)
            return
        self.scalar(path, v)

    def scalar(self, name: str, v: Any) -> None:
        f = self.field_of(name)
        typed = self.convert(name, f, v)
        if name in self.out:
            raise PrefillError(f"字段 \"{name}\" 重复出现", name)
        if typed is not None:
            self.out[name] = typed

    def field_of(self, name: str) -> Field:
        if name in self.t.fields:
            return self.t.fields[name]
        m = _UNIT_SUFFIX.match(name)
        if m:
            base, n = m.group("base"), int(m.group("n"))
            if base == UNIT_NAME or base in self.unit_fields:
                if n > MAX_UNITS:
                    raise PrefillError(f"字段 \"{name}\"：单位序号超过 {MAX_UNITS}", name)
                return _UNIT_NAME_FIELD if base == UNIT_NAME else self.unit_fields[base]
        m = _TABLE_CELL.match(name)
        if m and m.group("table") in self.t.tables:
            table = self.t.tables[m.group("table")]
            row = int(m.group("row"))
            if not 1 <= row <= table.rows:
                raise PrefillError(f"表格 \"{table.key}\"（{table.label}）最多 {table.rows} 行，"
                                   f"字段 \"{name}\" 超出范围", table.key)
            try:
                return table.column(m.group("col"))
            except KeyError:
                cols = "、".join(c.key for c in table.columns)
                raise PrefillError(f"未知字段 \"{name}\"（表格 {table.key} 的列为：{cols}）", name) from None
        raise PrefillError(self.unknown_message(name), name)

    def unknown_message(self, name: str) -> str:
        guess = difflib.get_close_matches(name, self.known, n=1, cutoff=0.75)
        hint = f"（是否应为 \"{guess[0]}\"？）" if guess else ""
        return f"未知字段 \"{name}\"{hint}"

    def table(self, key: str, rows: Any) -> None:
        table = self.t.tables[key]
        if rows is None:
            return
        if not isinstance(rows, list):
            raise PrefillError(f"表格 \"{key}\"（{table.label}）应为行的列表（每行一个“列: 值”映射）", key)
        if len(rows) > table.rows:
            raise PrefillError(f"表格 \"{key}\"（{table.label}）最多 {table.rows} 行，数据文件中有 {len(rows)} 行", key)
        for i, row in enumerate(rows, start=1):
            if row is None:
                continue
            if not isinstance(row, Mapping):
                raise PrefillError(f"表格 \"{key}\" 第 {i} 行应为“列: 值”映射", f"{key}[{i}]")
            for col, v in row.items():
                self.scalar(f"{key}[{i}].{col}", v)

    def parts(self, items: Any) -> None:
        """`projects: [{project.name: …, funds: {…}, project_indicators: [...]}, …]`: one mapping
        per repeated sheet; its keys become that sheet's scoped names (项目2!funds.rate)."""
        sheet, repeat = self.t.repeated_sheet(), self.t.repeat
        assert sheet is not None and repeat is not None
        if not isinstance(items, list):
            raise PrefillError(f"字段 \"{PARTS_KEY}\" 应为列表（每个{repeat.label}一项）", PARTS_KEY)
        if len(items) > repeat.max:
            raise PrefillError(f"{repeat.label}数 {len(items)} 超过上限 {repeat.max}", PARTS_KEY)
        scoped_keys = self.t.sheet_scoped()
        outer = self.out
        for k, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                raise PrefillError(f"字段 \"{PARTS_KEY}\" 第 {k} 项应为“字段: 值”映射", f"{PARTS_KEY}[{k}]")
            self.out = {}
            for key, v in item.items():
                self.walk(str(key), v)
            for name, v in self.out.items():
                base = name.split("[", 1)[0]
                if base not in scoped_keys and base.partition(".")[0] not in scoped_keys:
                    raise PrefillError(f"字段 \"{name}\" 不在{repeat.label}表中（{PARTS_KEY} 第 {k} 项）", name)
                outer[scoped(sheet.name.format(n=k), name)] = v
            self.out = outer

    def units_list(self, items: list[Any]) -> None:
        if len(items) > MAX_UNITS:
            raise PrefillError(f"字段 \"units\"：单位数超过 {MAX_UNITS}", UNITS_KEY)
        for n, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                raise PrefillError(f"字段 \"units\" 第 {n} 项应为“字段: 值”映射", f"units[{n}]")
            flat: dict[str, Any] = {}
            _flatten(item, "", flat)
            for k, v in flat.items():
                base = UNIT_NAME if k == "name" else k
                if base != UNIT_NAME and base not in self.unit_fields:
                    raise PrefillError(f"未知字段 \"units[{n}].{k}\"（单位行只能填写机构名称和收支金额）", f"units[{n}].{k}")
                self.scalar(f"{base}.u{n}", v)

    # ---- types ------------------------------------------------------------------------------
    def wrong_type(self, name: str, f: Field, v: Any) -> NoReturn:
        shown = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
        raise PrefillError(f"字段 \"{name}\"（{f.label}）应为{TYPE_ZH.get(f.type, f.type)}，实际为 {shown!s:.60}", name)

    def convert(self, name: str, f: Field, v: Any) -> object:
        if v is None or (isinstance(v, str) and not isinstance(v, _Raw) and not v.strip()):
            return None
        if isinstance(v, list | Mapping | bytes):
            self.wrong_type(name, f, v)
        if f.text_ok and isinstance(v, str) and not isinstance(v, _Raw):
            return v.strip()  # words in a numeric column that allows them (定性 indicators)
        if f.type in ("money", "number"):
            return self.decimal(name, f, v)
        if f.type == "integer":
            d = self.decimal(name, f, v)
            if d != d.to_integral_value():
                self.wrong_type(name, f, v)
            return int(d)
        if f.type == "date":
            return self.date(name, f, v)
        # text, longtext, phone, choice: numbers keep the text as written (phone, 007 codes)
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v).rstrip("\n")

    def decimal(self, name: str, f: Field, v: Any) -> Decimal:
        if isinstance(v, _Raw) and v.kind == "bool":
            self.wrong_type(name, f, v)
        if not isinstance(v, str):
            self.wrong_type(name, f, v)
        text = v.strip().replace(",", "") if not isinstance(v, _Raw) else str(v).strip()
        try:
            d = Decimal(text)
        except (InvalidOperation, ValueError):
            self.wrong_type(name, f, v)
        if not d.is_finite():
            self.wrong_type(name, f, v)
        exp = d.as_tuple().exponent
        return d.quantize(Decimal(1)) if isinstance(exp, int) and exp > 0 else d

    def date(self, name: str, f: Field, v: Any) -> dt.date:
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str) and not isinstance(v, _Raw):
            m = _DATE_RE.match(v)
            if m:
                try:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    pass
        self.wrong_type(name, f, v)


def _flatten(m: Mapping[Any, Any], prefix: str, out: dict[str, Any]) -> None:
    for k, v in m.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            _flatten(v, key, out)
        else:
            out[key] = v
