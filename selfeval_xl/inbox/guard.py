"""No output ever lands on an input: one check, run by every command before any work.

An output file may not be one of the inputs nor lie inside an input folder (a report written
into the inbox would replace a department's return, or be read back as one next time); an
output folder may not be an input folder, lie inside one, or hold an input file directly
(copies are written flat into it, under the inputs' own names).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from selfeval_xl.inbox.names import readable

_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Output:
    """One output a command was asked to write: the option that names it, and whether it is a folder."""

    option: str
    path: str | os.PathLike[str]
    folder: bool = False


def _real(p: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(os.fspath(p)))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _same(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """The same file, also through a hard link or a case-insensitive file system."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def input_roots(args: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """(input files, input folders) named by the arguments; a glob stands for what it matches."""
    files: list[str] = []
    folders: list[str] = []
    for arg in args:
        text = os.fspath(arg)
        hits = [text]
        if not os.path.exists(text) and isinstance(text, str) and _GLOB_CHARS & set(text):
            hits = glob.glob(text, recursive=True)
        for h in hits:
            (folders if os.path.isdir(h) else files).append(h)
    return files, folders


def output_problems(inputs: Sequence[str | os.PathLike[str]], outputs: Iterable[Output | None],
                    files: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """Chinese problems (empty when every output is safe). `inputs`: the command's arguments
    (files, folders, globs) or its archive/roster; `files`: the inputs found under them."""
    in_files, in_folders = input_roots(inputs)
    all_files = [*in_files, *(os.fspath(f) for f in files)]
    real_files = {_real(f): f for f in all_files}
    real_folders = {_real(d): d for d in in_folders}
    problems: list[str] = []
    for out in outputs:
        if out is None:
            continue
        shown = readable(os.fspath(out.path))
        target = _real(out.path)
        hit = real_files.get(target) or next((f for f in in_files if _same(f, out.path)), None)
        if hit is not None:
            problems.append(f"{out.option} 的输出路径 {shown} 就是输入文件 {readable(hit)}，写出会覆盖原文件；请换一个位置。")
            continue
        folder = next((d for rd, d in real_folders.items() if _inside(target, rd)), None)
        if folder is not None:
            what = "输出文件夹" if out.folder else "输出文件"
            problems.append(f"{out.option} 的{what} {shown} 位于输入文件夹 {readable(folder)} 之内，"
                            f"写出的结果会混入报表（或覆盖报表）；请写到输入文件夹以外的位置。")
            continue
        if out.folder:
            inner = next((f for rf, f in real_files.items() if os.path.dirname(rf) == target), None)
            if inner is not None:
                problems.append(f"{out.option} 的输出文件夹 {shown} 中有输入文件 {readable(inner)}，"
                                f"写出的结果可能覆盖它；请换一个文件夹。")
    return problems
