"""The reader: a submitted file → Snapshot (raw values by input name + the facts the checker judges
integrity from; file-level findings when the file cannot be read).

The only package that opens input workbooks. .xlsx/.xlsm go through our own zip container and
expat (`read.xmlsafe`, `read.sheetxml`); .xls and .ods values through python-calamine in a child
process. Limits are in `read.limits`, the per-file time budget in `read.budget`.
"""

from selfeval_xl.read.reader import read_file

__all__ = ["read_file"]
