from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import GENESIS_HASH, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit log's SM3 hash chain and name the first entry that does not match. "
        "Prints the head hash and entry count: record them, and pass them back later with "
        "--expect-head/--expect-count to show the log was neither wiped nor rebuilt since."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", metavar="HASH", help="a head hash printed by an earlier run")
        parser.add_argument(
            "--expect-count", metavar="N", type=int, help="the entry count printed with that head"
        )

    def handle(self, *args, expect_head=None, expect_count=None, **options):
        if expect_count is not None and expect_head is None:
            raise CommandError("--expect-count needs --expect-head")
        expect_head = expect_head.strip().lower() if expect_head else None
        check = audit_chain_verify(expect_head=expect_head)
        if not check.ok:
            bad = check.bad
            raise CommandError(
                f"audit chain broken at entry #{bad.pk} ({bad.created_at:%Y-%m-%d %H:%M:%S} {bad.actor} "
                f"{bad.action} {bad.object_type}:{bad.object_id}); {check.checked} entries checked"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {check.checked} entries verified"))
        self.stdout.write(f"head: {check.head}\ncount: {check.count}")
        if expect_head is not None:
            found = check.expected_at
            if expect_head == GENESIS_HASH and expect_count in (None, 0):
                found = 0  # a checkpoint taken of an empty log
            if found is None:
                raise CommandError(
                    f"checkpoint head {expect_head} is not in the audit chain: "
                    "the log was wiped or rebuilt since it was recorded"
                )
            if expect_count is not None and found != expect_count:
                raise CommandError(
                    f"checkpoint head {expect_head} is entry {found}, not entry {expect_count}: "
                    "entries before it were removed or added"
                )
            self.stdout.write(
                self.style.SUCCESS(f"checkpoint found: entry {found}, {check.count - found} entries since")
            )
