from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerminalsConfig(AppConfig):
    name = "apps.terminals"
    label = "terminals"
    verbose_name = _("终端认证")

    def ready(self):
        # reports is a lower layer: it learns the terminal figures through its section registry.
        from apps.terminals import receivers  # noqa: F401
