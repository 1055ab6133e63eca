"""Read the stamp (core properties) of a report .docx already in the output folder, under the
reader's zip and XML limits: is it ours, and was it made from the same source and layout?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from selfeval_xl.read import limits
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import feed, parser, split
from selfeval_xl.read.zipparts import Parts


@dataclass(frozen=True)
class Existing:
    identifier: str
    version: str
    status: str

    @property
    def ours(self) -> bool:
        return self.identifier.startswith("sha256:")


def core_properties(data: bytes) -> dict[str, str]:
    """Element local name → text of docProps/core.xml (dc:identifier, cp:version, …)."""
    budget = Budget()
    parts = Parts(data, budget)
    xml = parts.read_opt("docProps/core.xml")
    if xml is None:
        return {}
    out: dict[str, str] = {}
    stack: list[str] = []
    text: list[str] = []
    p = parser()

    def start(name: str, _attrs: dict[str, str]) -> None:
        stack.append(split(name)[1])
        text.clear()

    def end(_name: str) -> None:
        out.setdefault(stack.pop(), "".join(text).strip())
        text.clear()

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text.append
    feed(p, xml, "docProps/core.xml", budget)
    return out


def read_existing(path: Path) -> Existing | None:
    """The stamp of a report at `path`; None when the file is not a readable .docx with one."""
    try:
        if path.stat().st_size > limits.MAX_FILE_SIZE:
            return None
        props = core_properties(path.read_bytes())
    except (OSError, Refused, ValueError):
        return None  # not a readable .docx: certainly not a report of ours
    return Existing(props.get("identifier", ""), props.get("version", ""), props.get("contentStatus", ""))
