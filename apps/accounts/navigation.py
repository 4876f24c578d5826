from django.utils.translation import gettext_lazy as _

from apps.core.navigation import PARK, PARK_STAFF, SYSTEM, NavItem

ITEMS = [
    # Django's admin (park domain only): park staff by park role; what they may change follows
    # it too (apps.core.admin).
    NavItem(_("管理后台"), "admin:index", domains=(PARK,), roles=PARK_STAFF, order=950, group=SYSTEM),
]
