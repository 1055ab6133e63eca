"""The workbook generator: the only user of XlsxWriter for templates."""

from selfeval_xl.generate.roster import GenerateReport, generate_roster
from selfeval_xl.generate.workbook import GenerateError, workbook_bytes, write_workbook

__all__ = ["GenerateError", "GenerateReport", "generate_roster", "workbook_bytes", "write_workbook"]
