"""`selfeval-xl template` (to be implemented)."""
