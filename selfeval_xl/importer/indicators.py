"""定量指标 of a report → `indicators[i].*`: columns by their headers, 一级/二级 carried down
merged cells, the notes under a 一级 name dropped. A report without a 三级 column (the seed)
leaves 三级 blank: nothing is invented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from selfeval_xl.importer.extract import norm, words

if TYPE_CHECKING:
    from selfeval_xl.importer.extract import Extractor, Item

STOP_WORDS = ("绩效自评综合得分", "评价等次")


def _level_text(text: str, choices: tuple[str, ...]) -> str:
    """A 一级/二级 cell's name: its first line, or the known choice it starts with (drops notes)."""
    first = text.strip().split("\n")[0].strip()
    for c in sorted(choices, key=len, reverse=True):
        if norm(first).startswith(norm(c)):
            return c
    return first


def read_indicators(ex: Extractor, start: int, stop: int) -> None:
    t = ex.t.tables["indicators"]
    doc = ex.doc
    label = {c.key: norm(ex.label(f"indicators.{c.key}")) for c in t.columns}
    group = norm(ex.style.indicator_group)

    def header_keys(row: list[Item]) -> set[str]:
        found = set()
        for it in row:
            n = norm(it.text)
            for k, lab in label.items():
                if n == lab or (k in ("target", "actual") and words(lab).split("(")[0] == n.split("(")[0]):
                    found.add(k)
            if group and n == group:
                found |= {"level1", "level2"}
        return found

    head_rows = [r for r in range(start, stop) if {"target", "actual"} <= header_keys(doc.rows[r])]
    if not head_rows:
        return
    first_head = head_rows[0]
    present: set[str] = set()
    last_head = first_head
    for r in range(first_head, min(first_head + 3, stop)):
        keys = header_keys(doc.rows[r])
        if not keys:
            break
        present |= keys
        last_head = r
    has_label_col = any("定量" in norm(it.text) for it in doc.rows[first_head][:1])
    order = [c.key for c in t.columns if c.key in present]
    if "level3" not in present:
        order = [k for k in order if k != "level3"]
    width = len(order) + (1 if has_label_col else 0)

    prev = {"level1": "", "level2": ""}
    carried = {"level1": False}
    n = 0
    choices1 = tuple(t.hierarchy) or t.column("level1").choices
    choices2 = t.column("level2").choices
    for r in range(last_head + 1, stop):
        row = doc.rows[r]
        if doc.para[r] or any(norm(it.text) in STOP_WORDS for it in row):
            break
        if len(row) != width:
            if any(it.text.strip() for it in row):
                ex.out.unplaced(row[0], f"该行有 {len(row)} 列，定量指标表应为 {width} 列",
                                " ".join(it.text for it in row))
            continue
        cells = dict(zip(order, row[1:] if has_label_col else row, strict=True))
        vals: dict[str, tuple[str, str]] = {}
        for k, it in cells.items():
            vals[k] = (it.text.strip(), it.where)
        l1 = _level_text(vals["level1"][0], choices1) if "level1" in vals else ""
        l2 = _level_text(vals["level2"][0], choices2) if "level2" in vals else ""
        carried["level1"] = not l1
        l1 = l1 or prev["level1"]
        l2 = l2 or (prev["level2"] if carried["level1"] else "")
        if carried["level1"] and l2 and t.hierarchy and l2 not in t.hierarchy.get(l1, (l2,)):
            # a merged 一级 carried over a 二级 that belongs elsewhere (the seed's 满意度 row)
            owners = [k for k, v in t.hierarchy.items() if l2 in v]
            if len(owners) == 1:
                l1 = owners[0]
        prev = {"level1": l1, "level2": l2}
        rest = {k: v for k, v in vals.items() if k not in ("level1", "level2") and v[0]}
        if not rest:
            continue
        n += 1
        where = row[0].where
        ex.out.put(f"indicators[{n}].level1", l1, vals.get("level1", ("", where))[1])
        ex.out.put(f"indicators[{n}].level2", l2, vals.get("level2", ("", where))[1])
        for k, (text, w) in rest.items():
            ex.out.put(f"indicators[{n}].{k}", text, w)
