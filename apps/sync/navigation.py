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
    NavItem(_("节点同步"), "sync:page", domains=(PARK,), roles=PARK_STAFF, order=700, group=OPERATIONS),
    NavItem(
        _("前缀状态"),
        "sync:enterprise_prefix",
        domains=(ENTERPRISE,),
        roles=ENTERPRISE_USERS,
        order=700,
        group=IDENTIFIERS,
    ),
]
