"""The .xls and .ods reader: values through python-calamine; formulas, protection and defined
names of .ods from one expat pass over content.xml (and, for .xls, from the BIFF records)."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import python_calamine as pc

from selfeval_xl.layout.cells import col_letter
from selfeval_xl.read import isolate, limits
from selfeval_xl.read.book import Book, Formula, SheetData
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import SEP, feed, parser
from selfeval_xl.read.zipparts import Parts

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
TABLE_ = f"{_ODF}table:1.0{SEP}"
TEXT_ = f"{_ODF}text:1.0{SEP}"
OFFICE_ = f"{_ODF}office:1.0{SEP}"
META_ = f"{_ODF}meta:1.0{SEP}"


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 while calamine runs: a Rust panic on a damaged file prints its
    message (and a backtrace when RUST_BACKTRACE is set) straight to stderr, which would reach
    the user's terminal; the panic itself is caught as corrupt-file."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _panic(exc: BaseException) -> bool:
    """A pyo3 PanicException (a BaseException) or an ordinary error: both mean a damaged file."""
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | Refused)


def calamine_book(data: bytes, fmt: str, budget: Budget) -> Book:
    """Values of every worksheet via calamine (cells keyed by A1, empty cells left out), parsed
    in a forked child with a memory cap and what is left of the time budget (read.isolate):
    calamine aborts the process on some damaged files."""
    return isolate.run(_calamine_quiet, data, fmt, what=f".{fmt} 文件", timeout=budget.left())


def _calamine_quiet(data: bytes, fmt: str) -> Book:
    with _quiet_stderr():
        return _calamine_book(data, fmt)


def _calamine_book(data: bytes, fmt: str) -> Book:
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(wb.sheets_metadata)
    except pc.PasswordError as exc:
        raise Refused("encrypted") from exc
    except BaseException as exc:  # calamine's errors, and Rust panics on damaged files
        if not _panic(exc):
            raise
        raise Refused("corrupt-file", f"{fmt} 文件无法解析") from exc
    if len(metas) > limits.MAX_SHEETS:
        raise Refused("too-large", f"工作表 {len(metas)} 个，超过上限 {limits.MAX_SHEETS}")
    book = Book(format=fmt)
    total = 0
    for meta in metas:
        state = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}.get(
            str(meta.visible).rsplit(".", 1)[-1], "visible")
        sd = SheetData(name=meta.name, state=state)
        book.sheets[meta.name] = sd
        if "WorkSheet" not in str(meta.typ):
            sd.present = False
            continue
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.height * max(sheet.width, 1) > limits.MAX_USED_AREA:
                raise Refused("too-large", f"工作表“{meta.name}”的使用区域过大")
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as exc:
            if not _panic(exc):
                raise
            raise Refused("corrupt-file", f"工作表“{meta.name}”无法读取") from exc
        cells = sd.cells
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v != "" and v is not None:
                    cells[f"{col_letter(c)}{r}"] = v
        total += len(cells)
        if total > limits.MAX_CELLS:
            raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
    return book


# ---- ODS: formulas, protection and named ranges from content.xml ------------------------------

_ODS_REF = re.compile(r"\[\$?'?((?:[^'\].]|'')*)'?\.(\$?[A-Z]+\$?\d+)(?::\$?'?(?:[^'\].]|'')*'?\.(\$?[A-Z]+\$?\d+))?\]")


def ods_formula(text: str) -> str:
    """An ODF formula (`of:=SUM([.$F$17:.$F$46])`) in Excel syntax (`SUM($F$17:$F$46)`)."""
    if text.startswith("of:"):
        text = text[3:]
    if text.startswith("="):
        text = text[1:]
    out: list[str] = []
    # keep string literals intact; translate refs and separators outside them
    for i, part in enumerate(text.split('"')):
        if i % 2:
            out.append(part)
            continue
        part = _ODS_REF.sub(_ref_sub, part)
        out.append(part.replace(";", ","))
    return '"'.join(out)


def _ref_sub(m: re.Match[str]) -> str:
    sheet, a, b = m.group(1), m.group(2), m.group(3)
    body = f"{a}:{b}" if b else a
    return f"'{sheet}'!{body}" if sheet else body


def ods_details(parts: Parts) -> tuple[dict[str, dict[str, Formula]], dict[str, bool], dict[str, str],
                                        dict[str, dict[str, str]]]:
    """(sheet → A1 → formula, sheet → protected, global named ranges, sheet → A1 → string) from
    content.xml. Strings are rebuilt as the .xlsx holds them (calamine drops <text:tab/>):
    paragraphs joined by newlines, <text:s text:c="n"/> as n spaces, tabs and line breaks kept,
    cell annotations left out."""
    data = parts.read("content.xml")
    p = parser()
    formulas: dict[str, dict[str, Formula]] = {}
    strings: dict[str, dict[str, str]] = {}
    protected: dict[str, bool] = {}
    names: dict[str, str] = {}
    state: dict[str, Any] = {"sheet": None, "strings": None, "row": 0, "col": 0, "rowrep": 1,
                             "text": None, "paras": 0, "anno": 0, "cell": None, "span": (1 << 30, 1 << 30, -1, -1),
                             "name": ""}

    def start(name: str, attrs: dict[str, str]) -> None:
        text = state["text"]
        if text is not None and not state["anno"]:
            if name == TEXT_ + "p":
                if state["paras"]:
                    text.append("\n")
                state["paras"] += 1
            elif name == TEXT_ + "s":
                text.append(" " * min(int(attrs.get(TEXT_ + "c", "1") or 1), 10000))
            elif name == TEXT_ + "tab":
                text.append("\t")
            elif name == TEXT_ + "line-break":
                text.append("\n")
            elif name == OFFICE_ + "annotation":
                state["anno"] += 1
            return
        if name == OFFICE_ + "annotation":
            state["anno"] += 1
        elif name == TABLE_ + "table-cell" or name == TABLE_ + "covered-table-cell":
            rep = min(int(attrs.get(TABLE_ + "number-columns-repeated", "1") or 1), 16384)
            if OFFICE_ + "value-type" in attrs:  # a value: it spans what a parser will allocate
                span = state["span"]
                last_row = state["row"] + min(state["rowrep"], 1048576) - 1
                state["span"] = (min(span[0], state["row"]), min(span[1], state["col"]),
                                 max(span[2], last_row), max(span[3], state["col"] + rep - 1))
            a1 = f"{col_letter(state['col'])}{state['row']}"
            f = attrs.get(TABLE_ + "formula")
            if f is not None and state["sheet"] is not None:
                state["sheet"][a1] = (ods_formula(f), None, None)
            if attrs.get(OFFICE_ + "value-type", "string") == "string" and state["sheet"] is not None \
                    and name == TABLE_ + "table-cell":
                state["text"], state["paras"] = [], 0
                state["cell"] = (state["col"], min(rep, 64))
            state["col"] += rep
        elif name == TABLE_ + "table-row":
            state["row"] += 1
            state["col"] = 0
            state["rowrep"] = int(attrs.get(TABLE_ + "number-rows-repeated", "1") or 1)
        elif name == TABLE_ + "table":
            tname = attrs.get(TABLE_ + "name", "")
            state["sheet"] = formulas.setdefault(tname, {})
            state["strings"] = strings.setdefault(tname, {})
            protected[tname] = attrs.get(TABLE_ + "protected", "false") == "true"
            state["row"] = 0
            state["rowrep"] = 1
            state["span"] = (1 << 30, 1 << 30, -1, -1)
            state["name"] = tname
        elif name == TABLE_ + "named-range" and state["sheet"] is None:
            names[attrs.get(TABLE_ + "name", "")] = ods_formula(f"[{attrs.get(TABLE_ + 'cell-range-address', '')}]")

    def end(name: str) -> None:
        if name == OFFICE_ + "annotation":
            state["anno"] -= 1
        elif name == TABLE_ + "table-cell" and state["text"] is not None:
            if state["paras"]:
                col, rep = state["cell"]
                value = "".join(state["text"])
                for c in range(col, col + rep):
                    state["strings"][f"{col_letter(c)}{state['row']}"] = value
            state["text"] = None
        elif name == TABLE_ + "table-row":
            state["row"] += min(state["rowrep"], 1048576) - 1
        elif name == TABLE_ + "table":
            state["sheet"] = None
            r0, c0, r1, c1 = state["span"]
            if r1 >= 0 and (r1 - r0 + 1) * (c1 - c0 + 1) > limits.MAX_USED_AREA:
                raise Refused("too-large", f"工作表“{state['name']}”的使用区域为 {r1 - r0 + 1} 行 × {c1 - c0 + 1} 列，"
                                           f"超过上限 {limits.MAX_USED_AREA:,} 个单元格")

    def chars(d: str) -> None:
        if state["text"] is not None and not state["anno"] and state["paras"]:
            state["text"].append(d)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    feed(p, data, "content.xml", parts.budget)
    return formulas, protected, names, strings


def is_ods(parts: Parts) -> bool:
    mt = parts.read_opt("mimetype")
    return mt is not None and mt.strip().startswith(ODS_MIME)


MANIFEST_ = f"{_ODF}manifest:1.0{SEP}"


def ods_encrypted(parts: Parts) -> bool:
    """Whether META-INF/manifest.xml lists encryption data for any part (a password-protected
    .ods: its content.xml is ciphertext, not damaged XML)."""
    data = parts.read_opt("META-INF/manifest.xml")
    if data is None:
        return False
    found = {"encrypted": False}
    p = parser()

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name == MANIFEST_ + "encryption-data":
            found["encrypted"] = True

    p.StartElementHandler = start
    feed(p, data, "META-INF/manifest.xml", parts.budget)
    return found["encrypted"]


def read_ods(data: bytes, parts: Parts) -> Book:
    """content.xml through our guarded expat first (calamine's XML parser has no entity guard)."""
    if ods_encrypted(parts):
        raise Refused("encrypted")
    formulas, protected, names, strings = ods_details(parts)
    book = calamine_book(data, "ods", parts.budget)
    for name, sd in book.sheets.items():
        sd.formulas = formulas.get(name, {})
        sd.protected = protected.get(name)
        for a1, text in strings.get(name, {}).items():
            if isinstance(sd.cells.get(a1), str):  # calamine's reading of the same string cell
                sd.cells[a1] = text
    book.names = names
    meta = parts.read_opt("meta.xml")
    if meta:
        book.application, book.props = _ods_meta(meta, parts.budget)
    return book


def _ods_meta(data: bytes, budget: Budget) -> tuple[str | None, dict[str, str]]:
    """(meta:generator, user-defined properties) of meta.xml."""
    p = parser()
    gen: list[str] = []
    props: dict[str, str] = {}
    state: dict[str, Any] = {"buf": None, "prop": None}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == META_ + "generator":
            state["buf"] = gen
        elif name == META_ + "user-defined":
            state["prop"] = attrs.get(META_ + "name", "")
            state["buf"] = []

    def end(name: str) -> None:
        if state["prop"] is not None and name == META_ + "user-defined":
            props[state["prop"]] = "".join(state["buf"]).strip()
        state["buf"] = state["prop"] = None

    def text(d: str) -> None:
        if state["buf"] is not None:
            state["buf"].append(d)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    feed(p, data, "meta.xml", budget)
    return "".join(gen).strip() or None, props
