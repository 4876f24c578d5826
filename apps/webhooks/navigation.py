from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, PARK, SYSTEM, NavItem

ITEMS = [
    NavItem(
        _("事件订阅"),
        "webhooks:subscriptions",
        domains=(PARK,),
        roles=("park_admin",),
        order=880,
        group=SYSTEM,
    ),
    NavItem(
        _("事件订阅"),
        "webhooks:subscriptions",
        domains=(ENTERPRISE,),
        roles=("enterprise_admin",),
        order=880,
        group=SYSTEM,
    ),
]
