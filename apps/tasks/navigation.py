from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, OPERATIONS, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(
        _("任务"),
        "tasks:run_list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=900,
        group=OPERATIONS,
    ),
]
