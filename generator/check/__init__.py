"""Check: the rules of the format and the lifecycle, over a loaded repository, as diagnostics."""
