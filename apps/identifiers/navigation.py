from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, IDENTIFIERS, PARK, PARK_STAFF, SYSTEM, NavItem

ITEMS = [
    NavItem(
        _("标识管理"),
        "identifiers:list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=200,
        group=IDENTIFIERS,
    ),
    NavItem(
        _("数据授权"),
        "identifiers:grants",
        domains=(ENTERPRISE,),
        roles=("enterprise_admin",),
        order=210,
        group=IDENTIFIERS,
    ),
    NavItem(
        _("API 访问"),
        "identifiers:api_access",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=900,
        group=SYSTEM,
    ),
]
