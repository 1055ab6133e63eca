"""The reader: a submitted file → Snapshot (raw values by input name + integrity findings).

The only package that opens input workbooks. .xlsx/.xlsm go through our own zipfile + expat
parser (the hot path); .xls and .ods through python-calamine. Limits are in `read.limits`.
"""

from selfeval_xl.read.reader import read_file

__all__ = ["read_file"]
