"""`selfeval-xl summarize` (to be implemented)."""
