"""What a workbook holds at the places its layout names: the facts the checker judges.

The reader never decides whether a template was tampered with; it reports, for each sheet of the
layout, whether the sheet is there, whether it is protected, what stands in each label cell,
which formula (if any) stands in each formula cell, and where the layout's defined names point.
When a label is not exactly in its place, the sheet's text cells are included too, so the
checker can tell an edited label from a shifted layout (check.integrity decides).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.types import Layout
from selfeval_xl.model.snapshot import SheetFacts
from selfeval_xl.read.book import Book, serial_to_date
from selfeval_xl.read.formula import expand_shared


@dataclass(frozen=True)
class Places:
    """A layout flattened into the cells the reader looks at, per sheet, computed once per layout."""
    sheets: tuple[str, ...]
    labels: dict[str, list[tuple[str, str]]]  # sheet → (a1, template text)
    formulas: dict[str, list[tuple[str, str]]]  # sheet → (a1, template formula)
    inputs: dict[str, list[tuple[str, str, bool]]]  # sheet → (input name, a1, is a date field)


@per_layout
def places_of(layout: Layout) -> Places:
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s in layout.statics:
        labels[s.cell.sheet].append((s.cell.a1, s.text))
    formulas: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in layout.formulas:
        if f.formula:
            formulas[f.cell.sheet].append((f.cell.a1, f.formula))
    inputs: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for name, inp in layout.inputs.items():
        inputs[inp.cell.sheet].append((name, inp.cell.a1, inp.field.type == "date"))
    return Places(tuple(layout.sheet_names()), dict(labels), dict(formulas), dict(inputs))


def sheet_facts(book: Book, layout: Layout) -> dict[str, SheetFacts]:
    """The facts of every sheet of the layout, in layout order."""
    places = places_of(layout)
    out: dict[str, SheetFacts] = {}
    for name in places.sheets:
        sd = book.sheets.get(name)
        if sd is None or not sd.present:
            out[name] = SheetFacts(present=False)
            continue
        value = book.getter(name)
        labels = {a1: value(a1) for a1, _text in places.labels.get(name, ())}
        exact = all(labels[a1] == text for a1, text in places.labels.get(name, ()))
        texts = None if exact else {a1: v for a1 in sd.cells if isinstance(v := value(a1), str)}
        formulas: dict[str, str | None] | None = None
        shown: dict[str, Any] = {}
        if sd.formulas is not None:
            formulas = {}
            expanded: dict[str, str | None] | None = None
            have = sd.formulas
            for a1, formula in places.formulas.get(name, ()):
                f = have.get(a1)
                if f is not None and f[0] == formula:
                    formulas[a1] = formula  # the text as the generator wrote it: nothing to expand
                    continue
                if expanded is None:
                    expanded = expand_shared(have)
                if a1 in expanded:
                    formulas[a1] = expanded[a1]
                else:
                    shown[a1] = value(a1)
        out[name] = SheetFacts(present=True, protected=sd.protected, labels=labels, formulas=formulas,
                               shown=shown, texts=texts)
    return out


def names_found(book: Book, layout: Layout) -> dict[str, str]:
    """Where each of the layout's defined names points in the workbook (absent: not defined)."""
    return {n: book.names[n] for n in layout.names if n in book.names}


def raw_values(book: Book, layout: Layout) -> dict[str, Any]:
    """Every input of the layout on a present sheet, as read (None = blank); date fields turn
    serials into dates. Whether a sheet's values may be used is the checker's call."""
    out: dict[str, Any] = {}
    for sheet, inputs in places_of(layout).inputs.items():
        sd = book.sheets.get(sheet)
        if sd is None or not sd.present:
            continue
        value = book.getter(sheet)
        for name, a1, is_date in inputs:
            v = value(a1)
            if is_date and v is not None:
                v = serial_to_date(v, book.date1904)
            out[name] = v
    return out
