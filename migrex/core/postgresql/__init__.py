"""Django's PostgreSQL backend with one change: how a few rows are inserted at once (compiler)."""
