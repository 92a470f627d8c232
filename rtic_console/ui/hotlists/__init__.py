"""Hot list screens: entries, hand entry and file import (special entries are decided in
the inbox)."""
