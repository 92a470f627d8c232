"""The Sharing area: requests from other agencies and their decisions, the agency directory,
special hot list shares and the sharing log (C.2 to C.6, I.2.b)."""
