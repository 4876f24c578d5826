from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = _("事件订阅")

    def ready(self):
        from apps.webhooks import receivers  # noqa: F401 - audit entries become outbox rows
