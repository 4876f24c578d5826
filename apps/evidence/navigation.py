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
        _("可信存证"),
        "evidence:list",
        domains=(ENTERPRISE,),
        roles=ENTERPRISE_USERS,
        order=240,
        group=IDENTIFIERS,
    ),
    NavItem(_("可信存证"), "evidence:park", domains=(PARK,), roles=PARK_STAFF, order=570, group=OPERATIONS),
]
