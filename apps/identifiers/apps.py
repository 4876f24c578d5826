from django.apps import AppConfig


class IdentifiersConfig(AppConfig):
    name = "apps.identifiers"
    label = "identifiers"
