"""The one exception the reader raises internally: a file-level finding, caught in read_file."""

from __future__ import annotations


class Refused(Exception):
    """Reading stops with finding `code` (empty-file, corrupt-file, too-large, ...).

    `detail` fills the code's {detail} placeholder (Chinese, for the finance officer).
    """

    def __init__(self, code: str, detail: str = "", **params: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.params = params
