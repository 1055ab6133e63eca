"""Blocks of a report → field values, by the same mapping the report is rendered with.

Labels come from the template spec and the report style (render/style.py): the cover lines, the
field labels, the amount tables' headers, the table columns, the headings of 五 and 六. Headings
are matched on their words (the numbering 一、（一）1. varies between reports), labels on their
text without spaces and in half-width form. A value is taken only where the report puts it
beyond doubt; anything else becomes an `import-unplaced` / `import-ambiguous` finding with the
place it came from, and the field stays blank.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from selfeval_xl.importer.blocks import Block, Cell, Para, Table, squeeze
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.spec import Template, UnitTable
from selfeval_xl.render.style import ReportStyle

TOTAL_NAMES = ("部门合计", "合计", "总计", "部门(单位)合计", "小计")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+[部分章节]|[(（]?[一二三四五六七八九十]+[)）]?[、.．]?|"
                        r"[(（]?\d{1,2}[)）]?[、.．]|[(（]\d{1,2}[)）])")


def norm(s: str) -> str:
    """Compare form: half-width (NFKC), no whitespace, no trailing colon."""
    return squeeze(unicodedata.normalize("NFKC", s)).rstrip(":")


def words(s: str) -> str:
    """A heading's words without its numbering (一、 （一） 1. (1) 第一部分)."""
    n = norm(s)
    return _NUMBERING.sub("", n, count=1) or n


@dataclass
class Item:
    text: str
    where: str
    row: int  # index into Doc.rows
    col: int = 0
    merged: bool = False


@dataclass
class Doc:
    """Blocks flattened into rows: a paragraph is a row of one item; a table row is a row."""

    rows: list[list[Item]] = field(default_factory=list)
    para: list[bool] = field(default_factory=list)  # the row is a paragraph

    @staticmethod
    def of(blocks: Sequence[Block]) -> Doc:
        d = Doc()
        for b in blocks:
            if isinstance(b, Para):
                d.rows.append([Item(b.text, b.where, len(d.rows))])
                d.para.append(True)
            elif isinstance(b, Table):
                for row in b.rows:
                    d.rows.append([_item(c, len(d.rows)) for c in row])
                    d.para.append(False)
        return d

    def find(self, pred: Callable[[Item], bool], start: int = 0, stop: int | None = None) -> list[Item]:
        stop = len(self.rows) if stop is None else stop
        return [it for r in range(start, min(stop, len(self.rows))) for it in self.rows[r] if pred(it)]

    def after(self, it: Item) -> Item | None:
        """The item that follows `it` (next cell of its row, else the first of the next row)."""
        row = self.rows[it.row]
        i = next(k for k, x in enumerate(row) if x is it)
        if i + 1 < len(row):
            return row[i + 1]
        for r in range(it.row + 1, len(self.rows)):
            if self.rows[r]:
                return self.rows[r][0]
        return None


def _item(c: Cell, row: int) -> Item:
    return Item(c.text, c.where, row, c.col, c.merged)


@dataclass
class Extracted:
    """Raw texts by input name (typed later, as a value file is), where each came from, findings."""

    texts: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    units: int = 1

    def put(self, key: str, text: str, where: str) -> None:
        if text.strip():
            self.texts[key] = text
            self.where[key] = where

    def unplaced(self, it: Item | str, reason: str, value: str = "") -> None:
        where = it if isinstance(it, str) else it.where
        shown = value or ("" if isinstance(it, str) else it.text)
        self.findings.append(codes.make("import-unplaced", where=where, value=_short(shown), reason=reason,
                                        args={"where": where}))

    def ambiguous(self, items: Sequence[Item], label: str, key: str) -> None:
        where = "、".join(i.where for i in items[:3])
        self.findings.append(codes.make("import-ambiguous", where=where, value=_short(label),
                                        fields=f"报告中出现 {len(items)} 处", field=key, args={"where": where}))


def _short(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n] + "…"


def field_label(t: Template, style: ReportStyle, key: str) -> str:
    """The words a clerk knows a field by (the printed label, else the workbook's); a table
    cell `indicators[3].weight` by its column and row."""
    if key in style.labels:
        return style.labels[key]
    base = re.sub(r"\[(\d+)\]", "", key)
    row = re.search(r"\[(\d+)\]", key)
    f = t.fields.get(key) or t.column_field(base)
    if f is None:
        return "该项"
    return f"{f.label}（第{row.group(1)}行）" if row else f.label


class Extractor:
    def __init__(self, t: Template, style: ReportStyle, blocks: Sequence[Block]) -> None:
        self.t, self.style, self.doc = t, style, Doc.of(blocks)
        self.out = Extracted()

    # -- helpers -------------------------------------------------------------------------------
    def label(self, key: str) -> str:
        return field_label(self.t, self.style, key)

    def heading_rows(self) -> dict[str, int]:
        """First row of each level-1 heading of the spec (by its words), in document order."""
        found: dict[str, int] = {}
        heads = [b.text for s in self.t.sheets if s.name in self.style.sheets for b in s.blocks
                 if b.kind == "heading" and b.text]
        for h in dict.fromkeys(heads):
            w = words(h)
            hits = self.doc.find(lambda it, w=w: words(it.text) == w)
            if hits:
                found[h] = hits[0].row
        return found

    def region(self, heading_words: str) -> tuple[int, int]:
        """Rows from the heading whose words contain `heading_words` to the next spec heading."""
        rows = sorted(self.heads.values())
        start = next((r for h, r in self.heads.items() if heading_words in words(h)), None)
        if start is None:
            return 0, len(self.doc.rows)
        stop = next((r for r in rows if r > start), len(self.doc.rows))
        return start, stop

    def labelled(self, key: str, start: int, stop: int) -> None:
        """The value after the label cell of `key` within rows [start, stop)."""
        lab = norm(self.label(key))
        hits = self.doc.find(lambda it: norm(it.text) == lab, start, stop)
        if len(hits) > 1:
            self.out.ambiguous(hits, self.label(key), key)
            return
        if hits:
            nxt = self.doc.after(hits[0])
            if nxt is not None and nxt.row < stop and not self.is_label(nxt.text):
                self.out.put(key, nxt.text.strip(), nxt.where)

    def is_label(self, text: str) -> bool:
        return norm(text) in self.labels and bool(norm(text))

    # -- the whole report ----------------------------------------------------------------------
    def run(self) -> Extracted:
        self.heads = self.heading_rows()
        self.labels = {norm(self.label(k)) for k in self.t.fields} | {norm(c.label) for c in self.style.cover}
        self.cover()
        for sheet in self.t.sheets:
            mode = self.style.sheets.get(sheet.name)
            for b in sheet.blocks:
                if b.kind == "form" and mode in ("grid", "rows"):
                    start, stop = self.region_of(sheet.name)
                    for k in b.fields:
                        self.labelled(k, start, stop)
        self.amounts()
        self.goals()
        self.indicators()
        self.evaluators()
        self.sections()
        return self.out

    def region_of(self, sheet_name: str) -> tuple[int, int]:
        sheet = next(s for s in self.t.sheets if s.name == sheet_name)
        head = next((b.text for b in sheet.blocks if b.kind == "heading" and b.text), None)
        return self.region(words(head)) if head else (0, len(self.doc.rows))

    def cover(self) -> None:
        """Title (region and year) and the cover lines, before the first heading."""
        stop = min(self.heads.values(), default=min(len(self.doc.rows), 40))
        first = self.style.title[0]
        pattern = re.escape(norm(first.replace("{region}", "\x00").replace("{year}", "\x01")))
        pattern = pattern.replace("\x00", "(?P<region>.*?)").replace("\x01", "(?P<year>\\d{4})")
        for it in self.doc.find(lambda _it: True, 0, stop):
            m = re.search(pattern, norm(it.text))
            if m:
                self.out.put("report.region", m.group("region"), it.where)
                self.out.put("report.year", m.group("year"), it.where)
                break
        for c in self.style.cover:
            lab = norm(c.label)
            test = (lambda n, lab=lab: n.endswith(lab) and n != lab) if c.after else \
                   (lambda n, lab=lab: n.startswith(lab))
            hits = self.doc.find(lambda it, test=test: test(norm(it.text)), 0, stop)
            if len(hits) > 1:
                self.out.ambiguous(hits, c.label, c.field)
            elif hits:
                value, where = _strip_label(hits[0].text, c.label, c.after, c.sep), hits[0].where
                nxt = self.doc.after(hits[0])
                if not value and not c.after and nxt is not None and nxt.row < stop and nxt.text.strip() \
                        and not any(norm(nxt.text).startswith(norm(o.label)) for o in self.style.cover):
                    value, where = nxt.text.strip(), nxt.where  # the value on the line after its label
                self.out.put(c.field, value, where)

    # -- amounts -------------------------------------------------------------------------------
    def amounts(self) -> None:
        start, stop = self.region("收支情况")
        names: list[tuple[str, str]] = []
        for ut in self.t.unit_tables.values():
            first = norm(ut.header[0][1])  # 收入合计 …: the first amount column's header
            heads = self.doc.find(lambda it, f=first: norm(it.text) == f, start, stop)
            if not heads:
                continue
            rows = self.data_rows(heads[0].row + 1, stop, ut)
            if not rows:
                continue
            start = rows[-1] + 1
            body = [self.doc.rows[r] for r in rows]
            total = [row for row in body if norm(row[0].text) in {norm(n) for n in TOTAL_NAMES}]
            units = [row for row in body if row not in total]
            if len(units) == 1 and not total:
                total, units = units, []
            for row in units + total:
                suffix = "" if row in total else f".u{units.index(row) + 1}"
                for key, cell in zip(ut.columns, row[1:], strict=True):
                    self.out.put(key + suffix, cell.text, cell.where)
            if len(units) > 1 or (units and total):
                self.out.units = max(self.out.units, len(units))
                if not names:
                    names = [(row[0].text.strip(), row[0].where) for row in units]
        for n, (name, where) in enumerate(names, start=1):
            self.out.put(f"units.name.u{n}", name, where)

    def data_rows(self, start: int, stop: int, ut: UnitTable) -> list[int]:
        """The rows under an amount table's header: one cell per column (机构名称 + amounts), none of
        them a header label; they end at the first row that is not such a row."""
        heads = {norm(h) for row in ut.header for h in row if h not in ("<", "^")}
        width = len(ut.columns) + 1
        out: list[int] = []
        for r in range(start, stop):
            row = self.doc.rows[r]
            header = any(norm(c.text) in heads for c in row)
            if not self.doc.para[r] and len(row) == width and not header and any(c.text.strip() for c in row):
                out.append(r)
            elif out or self.doc.para[r] and any(it.text.strip() for it in row):
                break
        return out

    # -- 三、 tables ------------------------------------------------------------------------------
    def goals(self) -> None:
        t = self.t.tables["goals"]
        start, stop = self.region_of("绩效自评")
        cols = [norm(self.label(f"goals.{c.key}")) for c in t.columns]
        heads = [r for r in range(start, stop) if [it for it in self.doc.rows[r] if norm(it.text) in cols]
                 and len({norm(it.text) for it in self.doc.rows[r]} & set(cols)) == len(cols)]
        if not heads:
            return
        n = 0
        for r in range(heads[0] + 1, stop):
            row = self.doc.rows[r]
            if self.doc.para[r] or any("定量" in norm(it.text) or norm(it.text) in self.indicator_heads for it in row):
                break
            cells = row[-len(cols):]
            if len(cells) == len(cols) and any(c.text.strip() for c in cells):
                n += 1
                for c, cell in zip(t.columns, cells, strict=True):
                    self.out.put(f"goals[{n}].{c.key}", cell.text.strip(), cell.where)

    @property
    def indicator_heads(self) -> set[str]:
        t = self.t.tables["indicators"]
        return {norm(self.label(f"indicators.{c.key}")) for c in t.columns} | {norm(self.style.indicator_group)}

    def indicators(self) -> None:
        from selfeval_xl.importer.indicators import read_indicators

        start, stop = self.region_of("绩效自评")
        read_indicators(self, start, stop)

    def evaluators(self) -> None:
        t = self.t.tables["evaluators"]
        start, stop = self.region("评价人员")
        cols = [norm(self.label(f"evaluators.{c.key}")) for c in t.columns]
        alt = [norm(c.label) for c in t.columns]
        head = next((r for r in range(start, stop) if len(self.doc.rows[r]) == len(cols) and all(
            norm(it.text) in (a, b) for it, a, b in zip(self.doc.rows[r], cols, alt, strict=True))), None)
        n = 0
        if head is not None:
            for r in range(head + 1, stop):
                row = self.doc.rows[r]
                if self.doc.para[r] or len(row) != len(cols):
                    break
                if any(c.text.strip() for c in row):
                    n += 1
                    for c, cell in zip(t.columns, row, strict=True):
                        self.out.put(f"evaluators[{n}].{c.key}", cell.text.strip(), cell.where)
        self.preparer(start, stop)

    def preparer(self, start: int, stop: int) -> None:
        """填报人（签名）：袁君来   联系电话：15080990101 — one line, two fields (the printed label or
        the workbook's, e.g. 填报人 without （签名））."""
        keys = [k for s in self.t.sheets if self.style.sheets.get(s.name) == "line" for b in s.blocks
                if b.kind == "form" for k in b.fields]
        if not keys:
            return
        alts = [f"(?:{'|'.join(re.escape(x) for x in dict.fromkeys((norm(self.label(k)), norm(self.t.fields[k].label))))})"
                for k in keys]
        pattern = re.compile("".join(f"{a}:?(?P<v{i}>.*?)" for i, a in enumerate(alts)) + "$")
        first = re.compile(f"{alts[0]}:?(?P<v0>.*)$")
        for it in self.doc.find(lambda _it: True, start, len(self.doc.rows)):
            n = norm(it.text)
            m = (pattern.match(n) or first.match(n)) if first.match(n) else None
            if m:
                for i, k in enumerate(keys):
                    v = m.groupdict().get(f"v{i}")
                    if v:
                        self.out.put(k, v, it.where)
                return

    # -- 五、六、 ---------------------------------------------------------------------------------
    def sections(self) -> None:
        heads = {words(s.heading): s for s in self.style.sections}
        start = min((r for h, r in self.heads.items() if "综述" in h), default=None)
        if start is None:
            start = next((r for r in range(len(self.doc.rows)) if self.doc.para[r]
                          and words(self.doc.rows[r][0].text) in heads), len(self.doc.rows))
        current = None
        lines: list[Item] = []

        def flush() -> None:
            body = _trim([it.text.strip() for it in lines])
            if current is not None and current.field:
                self.out.put(current.field, "\n".join(body), lines[0].where if lines else "")
            elif body:
                first = next(it for it in lines if it.text.strip())
                self.out.unplaced(first, "不在任何一节之下" if current is None else f"“{current.heading}”一节不应有正文")

        for r in range(start, len(self.doc.rows)):
            for it in self.doc.rows[r]:
                w = words(it.text)
                if w in heads and (self.doc.para[r] or len(self.doc.rows[r]) == 1):
                    flush()
                    current, lines = heads[w], []
                elif current is not None:
                    lines.append(it)
                elif r > start and it.text.strip() and "综述" not in w:
                    lines.append(it)
        flush()


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _strip_label(text: str, label: str, after: bool, sep: str = "") -> str:
    """The value part of a cover line ("评价方式：部门（单位）绩效自评"): the printed separator is
    removed exactly when it is there (so a value may itself begin with a colon), else spaces and
    one colon, as other reports write them."""
    lab = norm(label)
    n = text.strip()
    if after:
        for i in range(len(n), -1, -1):
            if norm(n[i:]) == lab:
                return n[:i].strip()
        return n
    if sep and n.startswith(label + sep):
        return n[len(label) + len(sep):].strip()
    # walk the original text until its compare form has consumed the label
    for i in range(len(n) + 1):
        if norm(n[:i]) == lab:
            return n[i:].strip().removeprefix(":").removeprefix("：").strip()
    return n
