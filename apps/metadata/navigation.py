from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, PARK, PARK_STAFF, NavItem

ITEMS = [
    NavItem(
        _("元数据模板"),
        "metadata:template_list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=300,
    ),
    NavItem(
        _("模板变更申请"),
        "metadata:change_request_list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=310,
    ),
]
