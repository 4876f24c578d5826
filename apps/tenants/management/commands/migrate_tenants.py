from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from apps.tenants.migrating import migrate_schemas_fast
from apps.tenants.models import Enterprise


class Command(MigrateSchemasCommand):
    help = (
        "Migrate every tenant schema that exists. Unlike `migrate_schemas --tenant` it skips "
        "enterprises that only applied (no schema until they are approved), finds the schemas that "
        "lag from the database in a few queries, and applies what they lack as SQL written once, "
        "in batches on parallel connections (apps.tenants.migrating)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=getattr(settings, "TENANT_MIGRATE_WORKERS", 2),
            help="connections applying migrations at once (default: TENANT_MIGRATE_WORKERS, 2)",
        )
        parser.add_argument("--batch", type=int, default=50, help="schemas per transaction (default 50)")

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

        def fallback(group: list[str]) -> None:
            executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
            executor.run_migrations(tenants=group)

        report = migrate_schemas_fast(
            schemas, workers=options["workers"], batch=options["batch"], fallback=fallback
        )
        connection.set_schema_to_public()
        if options.get("verbosity", 1) >= 1 and (report.migrated or report.fallback or report.failed):
            self.stdout.write(
                f"{report.schemas} schemas: {report.up_to_date} up to date, {report.migrated} migrated "
                f"as SQL, {report.fallback} by django-tenants' executor, {len(report.failed)} failed "
                f"({', '.join(report.migrations)}) in {report.seconds:.1f}s"
            )
        if report.failed:
            lines = [f"{schema}: {error}" for schema, error in sorted(report.failed.items())[:20]]
            raise CommandError("schemas not migrated:\n" + "\n".join(lines))
