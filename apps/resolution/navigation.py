from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, IDENTIFIERS, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(
        _("解析统计"), "resolution:dashboard", domains=(PARK,), roles=PARK_STAFF, order=400, group=IDENTIFIERS
    ),
    NavItem(
        _("解析统计"),
        "resolution:enterprise_dashboard",
        domains=(ENTERPRISE,),
        roles=ENTERPRISE_USERS,
        order=400,
        group=IDENTIFIERS,
    ),
]
