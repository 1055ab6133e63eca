"""The reader's limits: a submission over any of them is refused with `too-large`.

Modelled on Apache POI's ZipSecureFile (min inflate ratio, max entry size, max entry count,
max text size) plus limits of our own. A genuine filled workbook is ~30–200 KB on disk and
inflates to a few MB at most, so every limit leaves a wide margin while keeping the time and
memory of one read bounded (a hostile file is refused before it is inflated, from the sizes
its zip directory declares; an entry is then inflated in bounded steps against its real size, so
one that lies about its size is stopped at once as `corrupt-file`). Every constant here is listed
in the README.
"""

from __future__ import annotations

MAX_FILE_SIZE = 50 * 1024 * 1024
"""Bytes on disk. The whole file is read once into memory (hash and parse from one read)."""

MAX_HASH_SIZE = 512 * 1024 * 1024
"""A file over MAX_FILE_SIZE is still hashed (streamed, for the ledger and duplicate checks) up to
this size; beyond it `sha256` stays empty so one absurd file cannot stall a batch."""

MIN_INFLATE_RATIO = 0.01
"""Compressed ÷ uncompressed size of one zip entry must be at least this (POI's default):
a part that inflates more than 100-fold is treated as a zip bomb."""

GRACE_ENTRY_SIZE = 100 * 1024
"""Entries whose uncompressed size is below this are exempt from MIN_INFLATE_RATIO (as in POI:
tiny, highly repetitive XML parts legitimately compress very well)."""

MAX_ENTRY_SIZE = 32 * 1024 * 1024
"""Uncompressed bytes of any one zip entry (POI allows 4 GB; our parts are a few hundred KB)."""

MAX_ENTRY_COUNT = 1000
"""Entries in the zip directory (POI's MAX_FILE_COUNT). Checked from the end-of-central-directory
record before the directory itself is parsed."""

MAX_TOTAL_SIZE = 100 * 1024 * 1024
"""Sum of the declared uncompressed sizes of all zip entries."""

MAX_CELLS = 500_000
"""Non-empty cells (a value or a formula) over all sheets read."""

MAX_USED_AREA = 2_000_000
"""Cells in the used range (rows × columns from the first to the last cell) of one .xls/.ods sheet,
checked from the file's own records before a parser allocates the range: a sheet with one value
in A1 and one in IV65536 is 16.7 million cells to calamine."""

MAX_SHEETS = 255
"""Worksheets listed in the workbook."""

MAX_STRING_COUNT = 1_000_000
"""Entries of the shared-strings table."""

XML_ENTITY_DECLARATIONS = "forbidden"
"""Any <!ENTITY> declaration (the "billion laughs" entity bomb) or external entity reference in
any XML part is refused as `too-large`; OOXML and ODF never need them."""

LEGACY_MEMORY = 1024 * 1024 * 1024
"""Extra address space a .xls/.ods parse (python-calamine, in a forked child) may take. A damaged
.xls can make calamine request terabytes and abort; the cap and the child keep the batch alive."""

LEGACY_TIMEOUT_S = 5
"""Seconds a .xls/.ods parse may run in its child before it is killed (too-large); within a read
the child gets what is left of READ_TIME_S."""

READ_TIME_S = 5.0
"""Seconds one file may take to read, whatever its format (the budget is checked between bounded
steps of inflating and parsing; a .xls/.ods child gets what is left of it)."""
