"""Figures in free text ↔ table fields; pure functions used by check.checks.narrative."""

from selfeval_xl.narrative.compare import Mismatch, TableValue, mismatches
from selfeval_xl.narrative.vocabulary import Vocabulary, vocabulary

__all__ = ["Mismatch", "TableValue", "Vocabulary", "mismatches", "vocabulary"]
