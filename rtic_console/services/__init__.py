"""Use cases: each call authorizes the acting person, does the work and audits it in one transaction."""
