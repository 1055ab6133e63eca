"""The spec loader's defaults: what a template spec that does not say otherwise means.

They are the first form's wording (data-model.md §1), kept for its released spec file, which
must not change in place. Nothing else in the package names a form or a field key; a test
(tests/test_form_free.py) holds that.
"""

from __future__ import annotations

DEFAULT_TEMPLATE_ID = "dept-selfeval"
# which fields carry the department and the year (stamp, file names, roster, ledger, JSON `dept`)
DEFAULT_IDENTITY = {"dept_name": "dept.name", "dept_code": "dept.code", "year": "report.year", "contact": "contact.name"}
DEFAULT_EXPLANATIONS = "explanations"  # the table where a department explains warnings
DEFAULT_TITLE_FIELDS = ("report.region", "report.year")  # a `formula: report_title` title block: 临湘市2021…
