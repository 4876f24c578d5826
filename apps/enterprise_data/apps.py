from django.apps import AppConfig


class EnterpriseDataConfig(AppConfig):
    name = "apps.enterprise_data"
    label = "enterprise_data"
