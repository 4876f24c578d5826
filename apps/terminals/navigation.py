from django.utils.translation import gettext_lazy as _

from apps.core.navigation import (
    ENTERPRISE,
    ENTERPRISE_USERS,
    IDENTIFIERS,
    OPERATIONS,
    PARK,
    PARK_STAFF,
    NavItem,
)

ITEMS = [
    NavItem(
        _("终端认证"),
        "terminals:list",
        domains=(ENTERPRISE,),
        roles=ENTERPRISE_USERS,
        order=230,
        group=IDENTIFIERS,
    ),
    NavItem(
        _("终端认证统计"),
        "terminals:park_statistics",
        domains=(PARK,),
        roles=PARK_STAFF,
        order=560,
        group=OPERATIONS,
    ),
]
