"""The Search work area: purpose-bound searches (D.1, F.3) and other-use requests (D.1.c)."""
