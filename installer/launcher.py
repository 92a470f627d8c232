"""The packaged application's entry point: the same command as `rtic-console`."""

import sys

from rtic_console.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
