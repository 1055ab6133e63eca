"""The one way the reader parses XML: expat with namespaces resolved, no DTD, fed within a budget.

Every XML part of a submission goes through `parser()` and `feed()`:
- names arrive as "namespace-uri local" (prefixes resolved as Excel and LibreOffice resolve them,
  so `<x:c>` and `<c>` in the same namespace are the same element, and a `<c>` in another
  namespace is not a cell);
- any <!DOCTYPE> is refused: an entity declaration as `too-large` (the "billion laughs" bomb),
  anything else as `corrupt-file`. Without a DTD, an undefined entity such as `&nbsp;` is an
  expat error, hence `corrupt-file`, never text read in some other way;
- processing instructions and comments have no handler: they are skipped, as Excel skips them;
- the bytes are fed in chunks with the per-file time budget checked between them.
"""

from __future__ import annotations

import pyexpat

from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused

SEP = " "  # namespace-uri SEP local-name: a space never occurs in either
CHUNK = 1 << 20


def entity_decl(*_args: object) -> None:
    raise Refused("too-large", "XML 中含有实体声明（疑似“XML 实体炸弹”）")


def external_entity(*_args: object) -> int:
    raise Refused("too-large", "XML 中引用了外部实体")


def _doctype_end() -> None:
    raise Refused("corrupt-file", "XML 中含有文档类型声明（DOCTYPE），Excel 不会写出这样的部件")


def _skipped_entity(name: str, _is_param: bool) -> None:
    raise Refused("corrupt-file", f"XML 中引用了未定义的实体 &{name};")


def parser() -> pyexpat.XMLParserType:
    """A namespace-resolving expat parser with text buffering and the DTD guards installed."""
    p = pyexpat.ParserCreate(namespace_separator=SEP)
    p.buffer_text = True
    p.buffer_size = 65536
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = entity_decl
    p.UnparsedEntityDeclHandler = entity_decl
    p.ExternalEntityRefHandler = external_entity
    p.EndDoctypeDeclHandler = _doctype_end  # after any entity declaration it holds
    p.SkippedEntityHandler = _skipped_entity
    return p


def feed(p: pyexpat.XMLParserType, data: bytes, part: str, budget: Budget) -> None:
    """Parse `data` completely; malformed XML (bad nesting, trailing garbage, …) is corrupt-file."""
    try:
        view = memoryview(data)
        for i in range(0, len(data), CHUNK):
            budget.check()
            p.Parse(bytes(view[i:i + CHUNK]), False)
        p.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise Refused("corrupt-file", f"部件 {part} 的 XML 损坏（第 {exc.lineno} 行：{_why(exc)}）") from exc
    except LookupError as exc:  # an encoding declared that no codec knows
        raise Refused("corrupt-file", f"部件 {part} 声明了无法识别的字符编码") from exc
    except (ValueError, IndexError, TypeError, OverflowError) as exc:  # an impossible attribute value
        raise Refused("corrupt-file", f"部件 {part} 的内容格式错误") from exc


_WHY = {
    pyexpat.errors.XML_ERROR_UNDEFINED_ENTITY: "未定义的实体",
    pyexpat.errors.XML_ERROR_TAG_MISMATCH: "标签不配对",
    pyexpat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: "根元素之后还有内容",
    pyexpat.errors.XML_ERROR_NO_ELEMENTS: "部件为空或被截断",
    pyexpat.errors.XML_ERROR_UNCLOSED_TOKEN: "部件被截断",
    pyexpat.errors.XML_ERROR_INVALID_TOKEN: "非法字符或标记",
    pyexpat.errors.XML_ERROR_UNBOUND_PREFIX: "未声明的命名空间前缀",
    pyexpat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE: "属性重复",
}


def _why(exc: pyexpat.ExpatError) -> str:
    return _WHY.get(pyexpat.errors.messages[exc.code], "格式错误")  # type: ignore[index]


def split(name: str) -> tuple[str, str]:
    """(namespace uri, local name) of a resolved name; ("", name) when it has no namespace."""
    ns, _, loc = name.rpartition(SEP)
    return ns, loc
