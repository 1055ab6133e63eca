"""The published 附件2 report (.docx, and PDF through LibreOffice) rendered from a checked submission.

  style   workbook_templates/report/<id>.yaml: GB/T 9704 typesetting and the report-only texts
  layout  spec + values → model.Document (paragraphs and grids, each value tagged with its key)
  docx    model.Document → .docx bytes; parts: the fixed parts (styles, header, footer)
  pdf     one soffice run for a batch; batch: names, refusals, replace-only-when-changed
"""

from selfeval_xl.render.batch import RenderItem, RenderReport, render_batch, report_name
from selfeval_xl.render.layout import build_document, display
from selfeval_xl.render.style import ReportStyle, load_style

__all__ = ["RenderItem", "RenderReport", "ReportStyle", "build_document", "display", "load_style",
           "render_batch", "report_name"]
