"""Compute: everything the pages show at a given ``now``, computed once, with indexed lookups."""
