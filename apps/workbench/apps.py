from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "apps.workbench"
    label = "workbench"
    verbose_name = _("工作台")

    def ready(self):
        # core's home page cannot import this app (it sits above every other one): it is told
        # which views draw the park's and an enterprise's home page.
        from apps.core.views import register_home
        from apps.workbench import views

        register_home("park", views.park_home)
        register_home("enterprise", views.enterprise_home)
