"""The dispatcher's triage pane: the live hit queue, a hit's evidence and its checklist."""
