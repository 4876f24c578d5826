from django.utils.translation import gettext_lazy as _

from apps.billing.permissions import ENTERPRISE_ROLES, PARK_READERS
from apps.core.navigation import ENTERPRISE, OPERATIONS, PARK, NavItem

ITEMS = [
    NavItem(
        _("计费"),
        "billing:dashboard",
        domains=(PARK,),
        roles=tuple(role.value for role in PARK_READERS),
        order=750,
        group=OPERATIONS,
    ),
    NavItem(
        _("计费"),
        "billing:home",
        domains=(ENTERPRISE,),
        roles=tuple(role.value for role in ENTERPRISE_ROLES),
        order=750,
        group=OPERATIONS,
    ),
]
