"""`python -m rtic_console` runs the same command as `rtic-console`."""

import sys

from rtic_console.cli.main import main

sys.exit(main())
