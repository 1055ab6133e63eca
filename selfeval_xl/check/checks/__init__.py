"""The checker's small checks, one module each; `check.run` lists them in order."""
