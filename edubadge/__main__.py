"""`python -m edubadge` runs the `edubadge` command."""

import sys

from .cli import main

sys.exit(main())
