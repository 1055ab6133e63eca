"""`selfeval-xl collect` (to be implemented)."""
