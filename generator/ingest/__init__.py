"""Incidents from monitors: alerts in the shapes the tools send them, matched against the rules
of ``monitors:`` in ``components.yml``, written as validated edits of ``incidents/``."""
