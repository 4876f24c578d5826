"""The database backend of a read replica alias: django-tenants' (the search path follows the
tenant the router copies from the primary connection), and a replica that fails does not fail the
read. A connection that cannot be made, or a statement that fails because the server went away,
marks the replica down (``apps.core.replicas.mark_down``) and the same statement runs on the
primary's connection. Only reads come here (the router sends every write and every transaction to
the primary), so running a failed statement again is safe.

Not covered: a server that dies between a statement and the fetch of its rows (the fetch fails).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.utils import InterfaceError, OperationalError
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

GONE = (OperationalError, InterfaceError)


def _primary_cursor(named: bool):
    primary = connections[DEFAULT_DB_ALIAS]
    return primary.chunked_cursor() if named else primary.cursor()


class _FallBack:
    """Runs a statement that failed on the replica again on the primary, once."""

    def _fall_back(self, exc) -> None:
        from apps.core.replicas import mark_down

        replica = self.db
        if replica.alias == DEFAULT_DB_ALIAS or replica.in_atomic_block:
            raise exc
        mark_down(replica.alias, exc)
        named = bool(getattr(self.cursor, "name", None))
        try:
            replica.close()
        except Exception:
            pass
        moved = _primary_cursor(named)
        self.cursor, self.db = moved.cursor, moved.db

    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        except GONE as exc:
            if self.db.alias == DEFAULT_DB_ALIAS:
                raise
            self._fall_back(exc)
            return super().execute(sql, params)


class FallBackCursorWrapper(_FallBack, CursorWrapper):
    pass


class FallBackCursorDebugWrapper(_FallBack, CursorDebugWrapper):
    pass


class DatabaseWrapper(TenantDatabaseWrapper):
    def _cursor(self, name=None):
        try:
            return super()._cursor(name)
        except GONE as exc:
            from apps.core.replicas import mark_down

            mark_down(self.alias, exc)
            try:
                self.close()
            except Exception:
                pass
            return _primary_cursor(bool(name))

    def make_cursor(self, cursor):
        return FallBackCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return FallBackCursorDebugWrapper(cursor, self)
