from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit log's SM3 hash chain and name the first entry that does not match."

    def handle(self, *args, **options):
        ok, bad, checked = audit_verify()
        if not ok:
            raise CommandError(
                f"audit chain broken at entry #{bad.pk} ({bad.created_at:%Y-%m-%d %H:%M:%S} {bad.actor} "
                f"{bad.action} {bad.object_type}:{bad.object_id}); {checked} entries checked"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries verified"))
