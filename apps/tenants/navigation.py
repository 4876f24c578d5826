from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISES, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(
        _("入驻企业"),
        "tenants:enterprise_list",
        domains=(PARK,),
        roles=PARK_STAFF,
        order=100,
        group=ENTERPRISES,
    ),
    NavItem(
        _("成员"),
        "tenants:members",
        domains=(ENTERPRISE,),
        roles=("enterprise_admin",),
        order=890,
        group=ENTERPRISES,
    ),
]
