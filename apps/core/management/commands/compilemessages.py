"""``manage.py compilemessages`` without gettext: compiles every catalogue under LOCALE_PATHS
with polib (replaces Django's command, which shells out to ``msgfmt``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.catalogues import compile_all


class Command(BaseCommand):
    help = "Compile locale/<lang>/LC_MESSAGES/*.po into .mo (polib; gettext not needed)."
    requires_system_checks = []

    def add_arguments(self, parser):
        # Django's own options, accepted so existing scripts keep working; every catalogue is compiled.
        parser.add_argument("--locale", "-l", action="append", default=[])
        parser.add_argument("--ignore", "-i", action="append", default=[])

    def handle(self, *args, **options):
        compiled = []
        for root in settings.LOCALE_PATHS:
            compiled += compile_all(Path(root))
        if options["verbosity"] >= 1:
            for path in compiled:
                self.stdout.write(f"compiled {path.relative_to(settings.BASE_DIR)}")
