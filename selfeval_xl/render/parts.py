"""The fixed parts of a report .docx (styles, settings, header, footer, relationships), built once
per report style. Every font is given for East Asian text too (`w:eastAsia`): setting only the
Latin name, as python-docx's Font.name does, leaves Chinese text in the theme's font."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape, quoteattr

from selfeval_xl.render.style import Font, ReportStyle

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"

# paragraph style id of each role of model.Para (and of table text)
STYLE_OF = {"mark": "Mark", "title": "ReportTitle", "cover": "Cover", "h1": "Heading1", "h2": "Heading2",
            "h3": "Heading3", "body": "BodyText", "caption": "TableCaption", "line": "Signature",
            "section-end": "Cover", "table": "TableText"}


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def run_props(font: Font, pre: str = "", post: str = "") -> str:
    """rPr with the Latin and the East Asian font, bold and size (half-points); `pre` goes before
    the size (color, kern), `post` after it (lang), as the schema orders them."""
    latin = quoteattr(font.latin)
    return (f"<w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:eastAsia={quoteattr(font.east_asia)} w:cs={latin}/>"
            f"{'<w:b/><w:bCs/>' if font.bold else ''}{pre}"
            f'<w:sz w:val="{font.half_points}"/><w:szCs w:val="{font.half_points}"/>{post}</w:rPr>')


def _exact(pt: float) -> str:
    return f'<w:spacing w:before="0" w:after="0" w:line="{round(pt * 20)}" w:lineRule="exact"/>'


def _style(sid: str, name: str, font: Font, ppr: str, *, outline: int | None = None) -> str:
    lvl = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}{lvl}</w:pPr>{run_props(font)}</w:style>')


@cache
def styles_xml(style: ReportStyle) -> bytes:
    f = style.fonts
    pitch = _exact(style.line_pitch_pt)
    # pPr children in schema order: keepNext, snapToGrid, spacing, ind, jc (Word refuses others)
    indent = f'<w:ind w:firstLineChars="200" w:firstLine="{f["body"].half_points * 20}"/>'
    table_pitch = f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{round(style.table_line_pt * 20)}" w:lineRule="atLeast"/>'
    kern, lang = '<w:kern w:val="2"/>', '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    body = [
        f"<w:docDefaults><w:rPrDefault>{run_props(f['body'], kern, lang)}"
        f"</w:rPrDefault><w:pPrDefault><w:pPr>{pitch}</w:pPr></w:pPrDefault></w:docDefaults>",
        f'<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{pitch}<w:jc w:val="both"/></w:pPr>{run_props(f["body"])}</w:style>',
        _style("BodyText", "正文", f["body"], f'{indent}<w:jc w:val="both"/>'),
        _style("Mark", "附件标记", f["level1"], '<w:jc w:val="left"/>'),
        _style("ReportTitle", "标题", f["title"], f'{_exact(max(style.line_pitch_pt, f["title"].size * 1.4))}<w:jc w:val="center"/>'),
        _style("Cover", "封面", f["body"], '<w:ind w:left="1280"/><w:jc w:val="left"/>'),
        _style("Heading1", "一级标题", f["level1"], f'<w:keepNext/>{indent}<w:jc w:val="left"/>', outline=0),
        _style("Heading2", "二级标题", f["level2"], f'<w:keepNext/>{indent}<w:jc w:val="left"/>', outline=1),
        _style("Heading3", "三级标题", f["level3"], f'<w:keepNext/>{indent}<w:jc w:val="left"/>', outline=2),
        _style("TableCaption", "表题", f["body"], '<w:keepNext/><w:jc w:val="center"/>'),
        _style("Signature", "签名行", f["body"], '<w:jc w:val="left"/>'),
        _style("TableText", "表格文字", f["table"], f'{table_pitch}<w:jc w:val="center"/>'),
        _style("Header", "页眉", f["header"], '<w:snapToGrid w:val="0"/>' + _exact(f["header"].size * 1.5) + '<w:jc w:val="center"/>'),
        _style("Footer", "页脚", f["footer"], '<w:snapToGrid w:val="0"/>' + _exact(f["footer"].size * 1.5) + '<w:jc w:val="center"/>'),
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
    ]
    return (XML_HEAD + f'<w:styles xmlns:w="{W_NS}">' + "".join(body) + "</w:styles>").encode("utf-8")


SETTINGS_XML = (XML_HEAD + f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/>'
                '<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>'
                '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
                'w:val="15"/></w:compat></w:settings>').encode("utf-8")


@cache
def footer_xml(style: ReportStyle) -> bytes:
    """The page number as "— n —": a PAGE field between the style's two dashes."""
    before, _, after = style.page_number.partition("{n}")
    rpr = run_props(style.fonts["footer"])

    def text(s: str) -> str:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(s)}</w:t></w:r>' if s else ""

    return (XML_HEAD + f'<w:ftr xmlns:w="{W_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{text(before)}'
            f'<w:fldSimple w:instr=" PAGE "><w:r>{rpr}<w:t>1</w:t></w:r></w:fldSimple>{text(after)}</w:p></w:ftr>'
            ).encode("utf-8")


@cache
def header_xml(style: ReportStyle) -> bytes:
    """The draft header printed on every page of a report rendered with --force."""
    rpr = run_props(style.fonts["header"], '<w:color w:val="C00000"/>')
    return (XML_HEAD + f'<w:hdr xmlns:w="{W_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
            f"<w:r>{rpr}<w:t>{escape(style.draft_header)}</w:t></w:r></w:p></w:hdr>").encode("utf-8")


def content_types(draft: bool) -> bytes:
    header = f'<Override PartName="/word/header1.xml" ContentType="{CT_WML}.header+xml"/>' if draft else ""
    return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{CT_WML}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{CT_WML}.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{CT_WML}.settings+xml"/>'
            f'<Override PartName="/word/footer1.xml" ContentType="{CT_WML}.footer+xml"/>{header}'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>").encode("utf-8")


PACKAGE_RELS = (XML_HEAD + f'<Relationships xmlns="{PKG_REL}">'
                f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
                f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>").encode("utf-8")


def document_rels(draft: bool) -> bytes:
    header = f'<Relationship Id="rIdHeader" Type="{REL}/header" Target="header1.xml"/>' if draft else ""
    return (XML_HEAD + f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdSettings" Type="{REL}/settings" Target="settings.xml"/>'
            f'<Relationship Id="rIdFooter" Type="{REL}/footer" Target="footer1.xml"/>{header}'
            "</Relationships>").encode("utf-8")


APP_XML = (XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>selfeval-xl</Application></Properties>").encode("utf-8")


def core_xml(*, title: str, subject: str, identifier: str, version: str, status: str, created: str,
             keywords: str) -> bytes:
    """Core properties; `identifier` carries the source workbook's sha256 (traceability)."""
    def el(tag: str, value: str) -> str:
        return f"<{tag}>{escape(value)}</{tag}>"

    return (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + el("dc:title", title) + el("dc:subject", subject) + el("dc:creator", "selfeval-xl")
            + el("cp:keywords", keywords) + el("dc:identifier", identifier) + el("cp:version", version)
            + el("cp:contentStatus", status)
            + f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
            + "</cp:coreProperties>").encode("utf-8")
