from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self):
        from apps.accounts import signals  # noqa: F401 - connects the audit receivers
        from park_portal import checks  # noqa: F401 - registers the deployment checks
