"""expat parsers that refuse entity declarations and external entities (entity bombs → too-large)."""

from __future__ import annotations

import pyexpat

from selfeval_xl.read.errors import Refused


def entity_decl(*_args: object) -> None:
    raise Refused("too-large", "XML 中含有实体声明（疑似“XML 实体炸弹”）")


def external_entity(*_args: object) -> int:
    raise Refused("too-large", "XML 中引用了外部实体")


def parser() -> pyexpat.XMLParserType:
    """A non-namespace expat parser with text buffering and the entity guards installed."""
    p = pyexpat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = 65536
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = entity_decl
    p.UnparsedEntityDeclHandler = entity_decl
    p.ExternalEntityRefHandler = external_entity
    return p


def local(name: str) -> str:
    """Element name without its namespace prefix (`x:c` → `c`)."""
    return name.rpartition(":")[2]


def prefix_of(data: bytes) -> str:
    """The namespace prefix of the root element ('' or 'x:'), sniffed from the first bytes.

    Parsers compare element names against prefix + local name, so the per-element work stays one
    string comparison even for writers that prefix the main namespace.
    """
    head = data[:4096]
    i = 0
    while True:
        i = head.find(b"<", i)
        if i < 0 or i + 1 >= len(head):
            return ""
        ch = head[i + 1:i + 2]
        if ch in (b"?", b"!"):
            i += 1
            continue
        j = i + 1
        while j < len(head) and head[j:j + 1] not in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            j += 1
        tag = head[i + 1:j].decode("utf-8", "replace")
        return tag.rpartition(":")[0] + ":" if ":" in tag else ""
