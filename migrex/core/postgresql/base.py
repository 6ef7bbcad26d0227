"""The database backend named in settings (`ENGINE`) for PostgreSQL: Django's own, whose
operations compile with `migrex.core.postgresql.compiler`."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "migrex.core.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
