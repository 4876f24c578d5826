from django.apps import AppConfig


class BuildcasesConfig(AppConfig):
    name = "apps.buildcases"
    label = "buildcases"
