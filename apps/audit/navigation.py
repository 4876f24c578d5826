from django.utils.translation import gettext_lazy as _

from apps.core.navigation import PARK, SYSTEM, NavItem

ITEMS = [
    NavItem(
        _("审计日志"),
        "audit:entry_list",
        domains=(PARK,),
        roles=("park_auditor", "park_admin"),
        order=800,
        group=SYSTEM,
    ),
]
