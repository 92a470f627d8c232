"""RTIC Console: the Real-Time Information Center's ALPR and PSCN operator console."""

__version__ = "0.1.0"
