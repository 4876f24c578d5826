from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, IDENTIFIERS, PARK, NavItem

ITEMS = [
    NavItem(
        _("批量导入导出"),
        "imports:job_list",
        domains=(PARK, ENTERPRISE),
        roles=("park_admin", "park_operator", *ENTERPRISE_USERS),
        order=420,
        group=IDENTIFIERS,
    ),
]
