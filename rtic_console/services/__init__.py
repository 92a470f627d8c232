"""Use cases: each call authorizes the actor, does the work and audits it in one transaction."""
