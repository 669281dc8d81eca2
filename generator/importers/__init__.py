"""Importing a team's history from another status page: Atlassian Statuspage or cState.

Each reader turns its source into a :class:`~statusgen.importers.plan.Imported` (the
page, its components and every entry, with the source's own keys); :mod:`.apply` maps
that onto the repository, validates all of it at once and only then writes.
"""
