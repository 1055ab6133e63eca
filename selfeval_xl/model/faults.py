"""The program's own faults as findings: a bug is `internal-error`, never blamed on the file; nor
is what this machine lacks (`libreoffice-missing`: a .doc needs LibreOffice to be read)."""

from __future__ import annotations

from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding

INTERNAL = "internal-error"
LIBREOFFICE_MISSING = "libreoffice-missing"


def internal_error(exc: BaseException) -> Finding:
    """`internal-error` naming the program version; the exception's class goes into `args`
    (for the developers' bug report), never into the officer's message."""
    from selfeval_xl import __version__

    return codes.make(INTERNAL, version=__version__,
                      args={"exception": type(exc).__name__, "version": __version__})


def has_internal_error(findings: list[Finding]) -> bool:
    return any(f.code == INTERNAL for f in findings)


def machine_fault(findings: list[Finding]) -> Finding | None:
    """The finding saying this machine could not read the file (LibreOffice missing), if any: a
    ledger leaves such a file unrecorded, since it skips a file it has recorded once and the
    same file must be read again when LibreOffice is installed."""
    return next((f for f in findings if f.code == LIBREOFFICE_MISSING), None)
