from django.conf import settings
from django.db import connection
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from apps.tenants.models import Enterprise


class Command(MigrateSchemasCommand):
    help = (
        "Migrate every tenant schema that exists. Unlike `migrate_schemas --tenant` it skips "
        "enterprises that only applied (no schema until they are approved)."
    )

    def handle(self, *args, **options):
        options["tenant"] = True
        options["shared"] = False
        SyncCommon.handle(self, *args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace")
            existing = {row[0] for row in cursor.fetchall()}
        schemas = [
            schema
            for schema in Enterprise.objects.exclude(schema_name=get_public_schema_name())
            .order_by("pk")
            .values_list("schema_name", flat=True)
            if schema in existing
        ]
        # schemas holding tenant tables without an Enterprise row (the operator's restricted data)
        schemas += [s for s in getattr(settings, "EXTRA_TENANT_SCHEMAS", []) if s in existing]
        if schemas:
            executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
            executor.run_migrations(tenants=schemas)
        connection.set_schema_to_public()
