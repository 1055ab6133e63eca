"""The collection ledger: an archive of every submission received (content-addressed files and a
SQLite ledger), who has filed for a year (催报), and last year's figures.

Public API (used by the CLI, summarize and scripts/benchmark.py):
  collect(paths, archive, workers=1, on_item=None) -> CollectReport
  status(archive, roster=None, year=None) -> StatusReport
  verify(archive, repair=True) -> VerifyReport
  current_submissions(archive, year) -> list[Submission]
  history(archive, dept_code=None, year=None) -> list[Submission]
  figures_by_dept(archive, year) -> {dept_code: {key: Decimal | None}}  (e.g. last year's figures)
"""

from selfeval_xl.ledger.collect import CollectItem, CollectReport, collect
from selfeval_xl.ledger.query import current_submissions, figures_by_dept, history
from selfeval_xl.ledger.schema import SCHEMA_VERSION, LedgerError
from selfeval_xl.ledger.status import DeptStatus, StatusReport, status
from selfeval_xl.ledger.store import DEFAULT_ARCHIVE
from selfeval_xl.ledger.verify import VerifyReport, verify

__all__ = ["DEFAULT_ARCHIVE", "SCHEMA_VERSION", "CollectItem", "CollectReport", "DeptStatus", "LedgerError",
           "StatusReport", "VerifyReport", "collect", "current_submissions", "figures_by_dept", "history", "status", "verify"]
