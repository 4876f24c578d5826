from django.apps import AppConfig


class BenchTenantAppConfig(AppConfig):
    name = "benchtenantapp"
    default_auto_field = "django.db.models.BigAutoField"
