"""model.Document → .docx bytes (WordprocessingML written directly: merged cells, fields and East
Asian fonts need XML that python-docx has no public API for, and a batch of a thousand reports
must cost about what checking them costs)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from selfeval_xl.render import parts
from selfeval_xl.render.model import Cell, Document, Grid, Para
from selfeval_xl.render.style import ReportStyle

# characters XML 1.0 cannot carry (a department's text may hold a stray control character)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Stamp:
    """What the core properties record: the source's sha256 (so a published report can be traced
    to the exact workbook), the renderer and style version, and whether it is a draft."""

    source_sha256: str
    version: str
    draft: bool
    created: str  # W3CDTF, e.g. 2026-12-01T00:00:00Z
    keywords: str = ""

    @property
    def identifier(self) -> str:
        return f"sha256:{self.source_sha256}"


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _runs(text: str, rpr: str = "") -> str:
    """w:r elements for one line of text (tabs as w:tab, spaces kept)."""
    out = []
    for i, piece in enumerate(clean(text).split("\t")):
        if i:
            out.append(f"<w:r>{rpr}<w:tab/></w:r>")
        if piece:
            out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(out)


_BOLD = "<w:rPr><w:b/><w:bCs/></w:rPr>"


_JC = {"left": "left", "center": "center", "right": "right", "both": "both"}


def _para(p: Para, spacing: str = "", sect: str = "") -> str:
    """pPr children in schema order: pStyle, spacing, jc, sectPr."""
    style = parts.STYLE_OF[p.role]
    jc = f'<w:jc w:val="{_JC[p.align]}"/>' if p.align != "left" else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{spacing}{jc}{sect}</w:pPr>{_runs(p.text)}</w:p>'


def _cell(c: Cell, width: int) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if c.span > 1:
        props.append(f'<w:gridSpan w:val="{c.span}"/>')
    if c.merge:
        props.append(f'<w:vMerge w:val="{c.merge}"/>' if c.merge == "restart" else "<w:vMerge/>")
    props.append('<w:vAlign w:val="center"/>')
    jc = f'<w:jc w:val="{_JC[c.align]}"/>' if c.align != "center" else ""
    rpr = _BOLD if c.header else ""
    lines = (c.text if c.merge != "continue" else "").split("\n")
    paras = "".join(f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}{rpr}</w:pPr>{_runs(line, rpr)}</w:p>'
                    for line in lines)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paras}</w:tc>"


def _grid(g: Grid, text_width: int) -> str:
    total = sum(g.widths)
    cols = [round(text_width * w / total) for w in g.widths]
    cols[-1] += text_width - sum(cols)
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{text_width}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
           'w:noHBand="1" w:noVBand="1"/></w:tblPr>',
           "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in cols) + "</w:tblGrid>"]
    for r, row in enumerate(g.rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if r < g.header_rows else ""
        out.append(f"<w:tr>{trpr}")
        col = 0
        for c in row:
            out.append(_cell(c, sum(cols[col:col + c.span])))
            col += c.span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _sect(style: ReportStyle, *, draft: bool, cover: bool) -> str:
    pg = style.page
    refs = '<w:headerReference w:type="default" r:id="rIdHeader"/>' if draft else ""
    if not cover:
        refs += '<w:footerReference w:type="default" r:id="rIdFooter"/>'
    numbering = "" if cover else '<w:pgNumType w:start="1"/>'
    return (f'<w:sectPr>{refs}<w:type w:val="nextPage"/>'
            f'<w:pgSz w:w="{parts.twips(pg.width_mm)}" w:h="{parts.twips(pg.height_mm)}"/>'
            f'<w:pgMar w:top="{parts.twips(pg.top_mm)}" w:right="{parts.twips(pg.right_mm)}" '
            f'w:bottom="{parts.twips(pg.bottom_mm)}" w:left="{parts.twips(pg.left_mm)}" '
            f'w:header="{parts.twips(pg.header_mm)}" w:footer="{parts.twips(pg.footer_mm)}" w:gutter="0"/>'
            f'{numbering}<w:docGrid w:type="lines" w:linePitch="{round(style.line_pitch_pt * 20)}"/></w:sectPr>')


def document_xml(doc: Document, style: ReportStyle, *, draft: bool) -> bytes:
    width = parts.twips(style.page.text_width_mm)
    out = [parts.XML_HEAD, f'<w:document xmlns:w="{parts.W_NS}" xmlns:r="{parts.R_NS}"><w:body>']
    prev = ""
    for b in doc.blocks:
        if isinstance(b, Grid):
            out.append(_grid(b, width))
            prev = "grid"
            continue
        spacing = sect = ""
        if b.role == "section-end":  # the cover is a section of its own, without a page number
            sect = _sect(style, draft=draft, cover=True)
        elif b.role in ("title", "cover") and prev not in ("title", "cover"):
            spacing = '<w:spacing w:before="1800"/>'
        elif b.role == "cover" and b.align == "center":
            spacing = '<w:spacing w:before="1200"/>'
        elif prev == "grid":
            spacing = '<w:spacing w:before="240"/>'
        out.append(_para(b, spacing, sect))
        prev = b.role
    out.append(_sect(style, draft=draft, cover=False) + "</w:body></w:document>")
    return "".join(out).encode("utf-8")


def docx_bytes(doc: Document, style: ReportStyle, stamp: Stamp) -> bytes:
    """The complete .docx; parts in a fixed order with fixed zip times."""
    files = [
        ("[Content_Types].xml", parts.content_types(stamp.draft)),
        ("_rels/.rels", parts.PACKAGE_RELS),
        ("word/document.xml", document_xml(doc, style, draft=stamp.draft)),
        ("word/_rels/document.xml.rels", parts.document_rels(stamp.draft)),
        ("word/styles.xml", parts.styles_xml(style)),
        ("word/settings.xml", parts.SETTINGS_XML),
        ("word/footer1.xml", parts.footer_xml(style)),
        ("docProps/core.xml", parts.core_xml(title=clean(doc.title), subject=clean(doc.subject),
                                             identifier=stamp.identifier, version=stamp.version,
                                             status=style.draft_header if stamp.draft else "审核通过",
                                             created=stamp.created, keywords=clean(stamp.keywords))),
        ("docProps/app.xml", parts.APP_XML),
    ]
    if stamp.draft:
        files.append(("word/header1.xml", parts.header_xml(style)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, _FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
