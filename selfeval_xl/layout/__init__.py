"""Where everything sits in a workbook of a given template version and unit count.

The one naming and placement scheme shared by the generator (which writes it) and the reader
(which reads and verifies it); neither imports the other.
"""

from selfeval_xl.layout.build import build_layout
from selfeval_xl.layout.cells import Cell, col_letter, parse_a1
from selfeval_xl.layout.types import (
           FormulaCell,
           InputCell,
           Instance,
           Layout,
           SheetLayout,
           StaticCell,
           TableArea,
)

__all__ = ["Cell", "FormulaCell", "InputCell", "Instance", "Layout", "SheetLayout", "StaticCell", "TableArea",
           "build_layout", "col_letter", "parse_a1"]
