"""Hot list screens: entries, hand entry, file import, and the special-list approvals inbox."""
