"""Atomic output for reports (the one implementation lives in selfeval_xl.atomic)."""

from selfeval_xl.atomic import atomic_path

__all__ = ["atomic_path"]
