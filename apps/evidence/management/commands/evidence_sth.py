from django.core.management.base import BaseCommand

from apps.evidence.services import sth_make


class Command(BaseCommand):
    help = "Sign a tree head of the park's evidence log now (when it grew since the last one)."

    def handle(self, *args, **options):
        head = sth_make()
        self.stdout.write(f"tree head: size {head.tree_size}, root {bytes(head.root_hash).hex()}")
