from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.evidence import log as evlog


class Command(BaseCommand):
    help = (
        "Witnessing: 'key' prints this node's log key (PEM, what another park configures as its "
        "witness); 'watch --name N --url URL --key FILE' cosigns that park's log from now on; 'poll' "
        "polls every watched log once (the beat task does it every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["key", "watch", "poll"])
        parser.add_argument("--name")
        parser.add_argument("--url")
        parser.add_argument("--key", dest="key_file")

    def handle(self, *args, action, name=None, url=None, key_file=None, **options):
        if action == "key":
            self.stdout.write(evlog.park_log().public_key)
            return
        from apps.evidence.witness import watch_add, witness_poll_all

        if action == "watch":
            if not (name and url and key_file):
                raise CommandError("watch needs --name, --url and --key")
            watched = watch_add(name=name, url=url, public_key=Path(key_file).read_text())
            self.stdout.write(f"watching {watched.name} at {watched.url}")
            return
        for log_name, outcome in witness_poll_all().items():
            self.stdout.write(f"{log_name}: {outcome}")
