from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, ENTERPRISES, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(
        _("建设案例"), "buildcases:board", domains=(PARK,), roles=PARK_STAFF, order=650, group=ENTERPRISES
    ),
    NavItem(
        _("建设案例"),
        "buildcases:board",
        domains=(ENTERPRISE,),
        roles=ENTERPRISE_USERS,
        order=650,
        group=ENTERPRISES,
    ),
]
