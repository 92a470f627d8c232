"""Qt screens: widgets and item models only; they call services and show results."""
