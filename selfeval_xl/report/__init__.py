"""Reports over checked submissions: terminal table, JSON (data-model.md §4), Excel report,
annotated copies. Reports only read Submissions; they never re-check anything."""

from selfeval_xl.report.annotate import AnnotateError, AnnotateResult, annotate, annotate_batch
from selfeval_xl.report.excel_report import write_excel_report
from selfeval_xl.report.json_report import JsonSpool, build_report, write_json
from selfeval_xl.report.terminal import build_table, counts, counts_line, print_report

__all__ = ["AnnotateError", "AnnotateResult", "JsonSpool", "annotate", "annotate_batch", "build_report", "build_table",
           "counts", "counts_line", "print_report", "write_excel_report", "write_json"]
