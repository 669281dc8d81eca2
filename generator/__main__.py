"""``python -m statusgen``."""

from statusgen.commands.cli import entry

entry()
