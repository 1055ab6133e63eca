"""Rule expressions: parse → tree → Excel formula (to_excel) | Python evaluation (evaluate)."""

from selfeval_xl.rules.parse import Call, Compare, Expr, Num, Op, Ref, RuleSyntaxError, Str, parse, refs

__all__ = ["Call", "Compare", "Expr", "Num", "Op", "Ref", "RuleSyntaxError", "Str", "parse", "refs"]
