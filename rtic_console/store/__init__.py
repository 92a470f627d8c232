"""Persistence: SQLAlchemy models, engines for SQLite and PostgreSQL, the audit chain."""
