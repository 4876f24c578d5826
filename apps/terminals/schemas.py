"""Which schema a terminals table lives in. The app is in SHARED_APPS and TENANT_APPS, so
django-tenants runs its migrations in every schema; these wrappers create the registry's tables
(terminals, credentials, tokens, counts) in the public schema only and the enterprise's tables
(readings, report batches) in tenant schemas only. Without them an enterprise schema would hold
a copy of ``terminals_terminal`` with a foreign key into ``public.identifiers_identifier``, and
the public table could no longer be truncated."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation
from django_tenants.utils import get_public_schema_name


class InSchemas(Operation):
    """Run ``operation`` on the database in the public schema (``public=True``) or in tenant
    schemas only; the migration state always changes (the models exist for Django either way)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operation: Operation, public: bool):
        self.operation = operation
        self.public = public
        super().__init__()

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"operation": self.operation, "public": self.public})

    def _applies(self, schema_editor) -> bool:
        schema = getattr(schema_editor.connection, "schema_name", get_public_schema_name())
        return (schema == get_public_schema_name()) == self.public

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        where = "public schema" if self.public else "tenant schemas"
        return f"{self.operation.describe()} ({where} only)"


def public(operation: Operation) -> InSchemas:
    return InSchemas(operation, public=True)


def tenant(operation: Operation) -> InSchemas:
    return InSchemas(operation, public=False)
