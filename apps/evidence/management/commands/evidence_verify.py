from django.core.management.base import BaseCommand, CommandError

from apps.evidence.integrity import log_verify


class Command(BaseCommand):
    help = (
        "Recompute the park's evidence log from its stored entries and compare it with the signed "
        "tree heads; name every changed or removed entry by leaf index and evidence code."
    )

    def handle(self, *args, **options):
        check = log_verify()
        if not check.ok:
            lines = [f"#{p['index']} {p['code'] or '?'}: {p['problem']}" for p in check.problems[:50]]
            raise CommandError(
                f"evidence log tampered: {len(check.problems)} problem(s) in {check.checked} entries\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            self.style.SUCCESS(f"evidence log intact: {check.checked} entries, tree size {check.tree_size}")
        )
