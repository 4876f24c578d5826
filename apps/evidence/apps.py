from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "apps.evidence"
    label = "evidence"
    verbose_name = _("可信存证")

    def ready(self):
        # reports and workbench are lower layers: they learn the evidence figures through their
        # registries; the periodic tree head and tamper check join the beat schedule.
        from apps.evidence import receivers  # noqa: F401
