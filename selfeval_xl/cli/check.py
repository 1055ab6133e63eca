"""`selfeval-xl check` (to be implemented)."""
