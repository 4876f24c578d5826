"""Drain the sync outbox once, in this process (what the beat task does in a worker)."""

import json

from django.core.management.base import BaseCommand

from apps.sync.services import sync_drain


class Command(BaseCommand):
    help = "Send pending outbox rows to the upstream node now."

    def add_arguments(self, parser):
        parser.add_argument("--max-batches", type=int, default=None)
        parser.add_argument("--ignore-backoff", action="store_true")

    def handle(self, *args, max_batches=None, ignore_backoff=False, **options):
        result = sync_drain(max_batches=max_batches, ignore_backoff=ignore_backoff)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
