"""The `rtic-console` command: the console's services from a terminal."""
