from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "apps.resolution"
    label = "resolution"

    def ready(self):
        from apps.resolution import receivers  # noqa: F401 - registry and template changes invalidate the cache
