"""``python -m statusgen``."""

import sys

from statusgen.commands.cli import main

sys.exit(main())
