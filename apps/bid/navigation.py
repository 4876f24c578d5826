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
        _("BID 映射"), "bid:list", domains=(ENTERPRISE,), roles=ENTERPRISE_USERS, order=240, group=IDENTIFIERS
    ),
    NavItem(_("BID 映射"), "bid:park", domains=(PARK,), roles=PARK_STAFF, order=565, group=OPERATIONS),
]
