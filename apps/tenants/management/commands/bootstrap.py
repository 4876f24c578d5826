from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.tenants.provisioning import ensure_base_schema, ensure_public_tenant


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the tenant base schema and every tenant; ensure the park's public tenant."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the demo park (idempotent)")

    def handle(self, *args, demo=False, verbosity=1, **options):
        # Migration chatter only with -v 2: `make run` should show URLs and logins, not 50 lines per schema.
        quiet = max(0, verbosity - 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=quiet)
        ensure_base_schema(verbosity=quiet)
        call_command("migrate_tenants", interactive=False, verbosity=quiet)
        ensure_public_tenant()
        if demo:
            call_command("load_demo", verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("park portal database ready"))
