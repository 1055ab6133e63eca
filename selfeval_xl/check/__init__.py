"""The checker: Snapshot → Submission with findings (never opens a file)."""

from selfeval_xl.check.run import CHECKS, check_snapshot

__all__ = ["CHECKS", "check_snapshot"]
