from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidConfig(AppConfig):
    name = "apps.bid"
    label = "bid"
    verbose_name = _("BID 映射")

    def ready(self):
        # Lower apps learn about BIDs through their registries and signals only.
        from apps.bid import receivers  # noqa: F401
