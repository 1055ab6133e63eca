"""Published 附件2 reports (.docx, .doc, text) read back into field values: the inverse of
selfeval_xl.render, through the same field mapping (the template spec and the report style).

  blocks      paragraphs and tables as read, each with where it came from
  text        the plain-text form (the seed): tab-led lines are table cells
  wordml      .docx under the reader's zip and XML limits
  source      which kind of file, .doc through LibreOffice
  extract     blocks → raw texts by input name (cover, 基本概况, amounts, 五、六、)
  indicators  the 定量指标 table
  typed       raw texts → typed values, as a value file types them
  carry       last year's workbook → this year's starting values
"""

from selfeval_xl.importer.typed import ImportResult, import_report

__all__ = ["ImportResult", "import_report"]
