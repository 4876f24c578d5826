from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, OPERATIONS, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(_("报告"), "reports:list", domains=(PARK,), roles=PARK_STAFF, order=700, group=OPERATIONS),
    NavItem(
        _("报告"),
        "reports:list",
        domains=(ENTERPRISE,),
        roles=("enterprise_admin",),
        order=700,
        group=OPERATIONS,
    ),
]
