"""The consolidated summary (汇总): submissions → DataFrames → workbook, CSV, Parquet, JSON."""

from selfeval_xl.summary.export import ParquetUnavailable, write_csv, write_json, write_parquet
from selfeval_xl.summary.frame import Collection, build
from selfeval_xl.summary.workbook import title_for, write_summary

__all__ = ["Collection", "ParquetUnavailable", "build", "title_for", "write_csv", "write_json",
           "write_parquet", "write_summary"]
