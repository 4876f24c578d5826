from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "apps.sync"
    label = "sync"

    def ready(self):
        from apps.sync import receivers  # noqa: F401 - registry writes queue outbox rows
