"""Differential: our reader and openpyxl (and LibreOffice for a handful) over a generated corpus of
mutated sheet and shared-string parts. Where we read a value, the others read the same value; the
only other outcome allowed is that we refuse the file. Never a different value."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from selfeval_xl.read.book import normalise
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.ooxml import read_xlsx
from selfeval_xl.read.zipparts import Parts

SHEET, SST = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
pytestmark = pytest.mark.filterwarnings("ignore:Unknown extension:UserWarning")  # openpyxl on <extLst>
CELL = re.compile(r"<c [^>]*?(?:/>|>.*?</c>)", re.S)  # test fixture surgery on XlsxWriter's own output


def _base() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("S")
    rows = [("部门", 96, 66.5, True), ("支出 合计", 31, "x&y<z>", False), ("  前后空格 ", -1.25, "甲乙", 0)]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write_string(r, c, v) if isinstance(v, str) else ws.write(r, c, v)
    ws.write_formula(3, 1, "=B1+B2", None, 127)
    ws.write_formula(3, 2, '="a"&"b"', None, "ab")
    wb.close()
    return buf.getvalue()


BASE = _base()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    return out.getvalue()


# ---- mutations: (sheet text, shared-string text, rnd) → (sheet text, shared-string text) --------

Mutation = Callable[[str, str, random.Random], tuple[str, str]]


def _pick_cell(text: str, rnd: random.Random) -> re.Match[str]:
    return rnd.choice(list(CELL.finditer(text)))


def _ref(cell: str) -> str:
    return cell.split('r="', 1)[1].split('"', 1)[0]


def pi_fake(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    m = _pick_cell(s, rnd)
    return s[:m.end()] + f'<?x <c r="{_ref(m.group())}"><v>97</v></c>?>' + s[m.end():], t


def comment_fake(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    m = _pick_cell(s, rnd)
    return s[:m.end()] + f'<!-- <c r="{_ref(m.group())}"><v>97</v></c> -->' + s[m.end():], t


def cdata(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    vs = list(re.finditer(r"<v>([^<]*)</v>", s))
    m = rnd.choice(vs)
    return s[:m.start()] + f"<v><![CDATA[{m.group(1)}]]></v>" + s[m.end():], \
        t.replace("<t>甲乙</t>", "<t><![CDATA[甲乙]]></t>")


def _prefix(text: str, p: str) -> str:
    text = re.sub(r"<(/?)(?![?!])([A-Za-z]+)([\s>/])", rf"<\1{p}:\2\3", text)
    return text.replace(f'xmlns="{MAIN}"', f'xmlns:{p}="{MAIN}"', 1)


def prefixed(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return _prefix(s, rnd.choice(["x", "ss", "main"])), _prefix(t, rnd.choice(["x", "y"]))


def inner_default_ns(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s.replace("<row ", f'<row xmlns="{MAIN}" ', 1), t


def duplicate(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    m = _pick_cell(s, rnd)
    return s[:m.end()] + m.group() + s[m.end():], t


def shuffled(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    def shuffle_row(m: re.Match[str]) -> str:
        cells = CELL.findall(m.group(2))
        rnd.shuffle(cells)
        return m.group(1) + "".join(cells) + "</row>"
    s = re.sub(r"(<row [^>]*>)(.*?)</row>", shuffle_row, s)
    rows = re.findall(r"<row .*?</row>", s)
    shuffled_rows = rows[:]
    rnd.shuffle(shuffled_rows)
    start, end = s.index(rows[0]), s.index(rows[-1]) + len(rows[-1])
    return s[:start] + "".join(shuffled_rows) + s[end:], t


def inline(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    strings = re.findall(r"<si>(.*?)</si>", t)
    ms = [m for m in CELL.finditer(s) if 't="s"' in m.group()]
    m = rnd.choice(ms)
    idx = int(re.search(r"<v>(\d+)</v>", m.group()).group(1))
    new = m.group().replace('t="s"', 't="inlineStr"').replace(f"<v>{idx}</v>", f"<is>{strings[idx]}</is>")
    return s[:m.start()] + new + s[m.end():], t


def rich_runs(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    def split(m: re.Match[str]) -> str:
        tokens = re.findall(r"&[^;]*;|.", m.group(2), re.S)  # never split an entity reference
        k = rnd.randrange(len(tokens) + 1)
        a, b = "".join(tokens[:k]), "".join(tokens[k:])
        return (f"<si><r><t{m.group(1)}>{a}</t></r><r><rPr><b/></rPr><t{m.group(1)}>{b}</t></r>"
                f'<rPh sb="0" eb="1"><t>ふ</t></rPh></si>')
    return s, re.sub(r"<si><t([^>]*)>([^<]*)</t></si>", split, t)


def space_preserve(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s, t.replace("<t>甲乙</t>", '<t xml:space="preserve">  甲乙 \t</t>').replace("<t>部门</t>", "<t> 部门 </t>")


def pis_and_comments_everywhere(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    def sprinkle(text: str) -> str:
        pieces = text.split("><")
        out = [pieces[0]]
        for piece in pieces[1:]:
            out.append('><?pi x?><!-- <c r="A1"><v>5</v></c> --><' if rnd.random() < 0.2 else "><")
            out.append(piece)
        return "".join(out)
    body = s.index("<worksheet")
    return s[:body] + sprinkle(s[body:]), t


def outside_sheet_data(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    fake = '<c r="B1"><v>97</v></c>'
    where = rnd.choice(["<foo:bar xmlns:foo=\"urn:x\">" + fake + "</foo:bar>",
                        '<extLst><ext uri="{x}">' + fake + "</ext></extLst>"])
    return s.replace("</sheetData>", "</sheetData>" + where, 1), t


def foreign_cell(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s.replace("</row>", '<y:c xmlns:y="urn:other" r="Z1"><y:v>9</y:v></y:c></row>', 1), t


def no_refs(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    s = re.sub(r'(<c) r="[A-Z]+[0-9]+"', r"\1", s, count=rnd.randint(1, 6))
    return (re.sub(r'(<row) r="[0-9]+"', r"\1", s, count=1) if rnd.random() < 0.5 else s), t


def whitespace(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s.replace("><c ", ">\n  <c ").replace("</c><", "</c>\n<"), t.replace("</si><si>", "</si>\n <si>")


def undefined_entity(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return (s.replace("</v>", "&nbsp;</v>", 1), t) if rnd.random() < 0.5 else (s, t.replace("</t>", "&nbsp;</t>", 1))


def trailing_garbage(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s + rnd.choice(["<c/>", "x", '<c r="A1"><v>1</v></c>']), t


def bad_nesting(s: str, t: str, rnd: random.Random) -> tuple[str, str]:
    return s.replace("</v></c>", "</c></v>", 1), t


SAFE: list[Mutation] = [pi_fake, comment_fake, cdata, prefixed, inner_default_ns, shuffled, inline, rich_runs,
                        space_preserve, pis_and_comments_everywhere, outside_sheet_data, no_refs, whitespace]
REFUSED: list[Mutation] = [duplicate, foreign_cell, undefined_entity, trailing_garbage, bad_nesting]


# content edits first, then the ones that rewrite the markup around them
ORDER: list[Mutation] = [duplicate, shuffled, inline, pi_fake, comment_fake, cdata, rich_runs, space_preserve, no_refs,
                         outside_sheet_data, foreign_cell, inner_default_ns, undefined_entity, bad_nesting, whitespace,
                         pis_and_comments_everywhere, prefixed, trailing_garbage]


def _encode(text: str, rnd: random.Random) -> bytes:
    kind = rnd.choice(["utf-8", "utf-8", "bom", "utf-16"])
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if kind == "utf-16":
        return re.sub(r'encoding="UTF-8"', 'encoding="UTF-16"', text, count=1).encode("utf-16")
    return text.encode()


def mutated(seed: int) -> tuple[bytes, list[str]]:
    rnd = random.Random(seed)
    parts = _parts(BASE)
    s, t = parts[SHEET].decode(), parts[SST].decode()
    pool = SAFE + REFUSED if seed % 3 == 0 else SAFE
    chosen = sorted(rnd.sample(pool, rnd.randint(1, 3)), key=ORDER.index)
    for m in chosen:
        try:
            s, t = m(s, t, rnd)
        except (IndexError, ValueError, AttributeError):  # an earlier mutation took away what it edits
            continue
    parts[SHEET], parts[SST] = _encode(s, rnd), _encode(t, rnd)
    return _zip(parts), [m.__name__ for m in chosen]


# ---- the readers ----------------------------------------------------------------------------


def ours(data: bytes) -> dict[str, object] | None:
    """Every non-blank cell of sheet S as our reader shows it; None when it refuses the file."""
    try:
        book = read_xlsx(Parts(data, Budget()), "xlsx")
        get = book.getter("S")
        return {a1: v for a1 in book.sheets["S"].cells if (v := get(a1)) is not None}
    except Refused:
        return None


def theirs(data: bytes | Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data, data_only=True)
    ws = wb["S"] if "S" in wb.sheetnames else wb.worksheets[0]
    return {c.coordinate: v for row in ws.iter_rows() for c in row if (v := normalise(c.value)) is not None}


def _check(data: bytes, what: object) -> bool:
    got = ours(data)
    if got is None:
        return False
    assert got == theirs(data), what
    return True


def test_base_reads_the_same() -> None:
    assert _check(BASE, "base")
    assert ours(BASE)["B4"] == 127 and ours(BASE)["A3"] == "  前后空格 "


@pytest.mark.parametrize("mutation", SAFE, ids=lambda m: m.__name__)
def test_each_mutation_alone(mutation: Mutation) -> None:
    """Each shape Excel reads the same: we read it, and read what openpyxl reads."""
    for seed in range(6):
        rnd = random.Random(seed)
        parts = _parts(BASE)
        s, t = mutation(parts[SHEET].decode(), parts[SST].decode(), rnd)
        parts[SHEET], parts[SST] = s.encode(), t.encode()
        assert _check(_zip(parts), (mutation.__name__, seed)), f"refused {mutation.__name__} seed {seed}"


@pytest.mark.parametrize("mutation", REFUSED, ids=lambda m: m.__name__)
def test_ambiguous_or_malformed_shapes_are_refused(mutation: Mutation) -> None:
    for seed in range(4):
        parts = _parts(BASE)
        s, t = mutation(parts[SHEET].decode(), parts[SST].decode(), random.Random(seed))
        parts[SHEET], parts[SST] = s.encode(), t.encode()
        assert ours(_zip(parts)) is None, (mutation.__name__, seed)


def test_generated_corpus_never_reads_a_different_value() -> None:
    read = 0
    for seed in range(300):
        data, chosen = mutated(seed)
        read += _check(data, (seed, chosen))
    assert read >= 150  # the corpus is mostly read, not mostly refused


@pytest.mark.libreoffice
def test_libreoffice_reads_what_we_read(tmp_path: Path) -> None:
    import lo

    seeds = [s for s in range(1, 40) if ours(mutated(s)[0]) is not None][:5]
    assert len(seeds) == 5
    for seed in seeds:
        data, chosen = mutated(seed)
        src = tmp_path / f"m{seed}.xlsx"
        src.write_bytes(data)
        out = lo.convert(src, "xlsx", tmp_path / f"lo{seed}")
        assert ours(data) == theirs(out), (seed, chosen)
