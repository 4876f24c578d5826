"""Django's flush, able to empty the audit log of a test database.

The test runner flushes every table between transactional tests; the audit log refuses
TRUNCATE (migration 0004) except in a test database whose session sets ``park.audit_wipe``.
Elsewhere this is Django's flush unchanged, and the trigger refuses it.
"""

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('park.audit_wipe', 'on', false)")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('park.audit_wipe', 'off', false)")
