from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, ENTERPRISES, IDENTIFIERS, PARK, NavItem

ITEMS = [
    NavItem(
        _("批量导入导出"),
        "imports:job_list",
        domains=(PARK, ENTERPRISE),
        roles=("park_admin", "park_operator", *ENTERPRISE_USERS),
        order=420,
        group=IDENTIFIERS,
    ),
]

ITEMS.append(
    NavItem(
        _("企业批量入驻"),
        "imports:onboarding",
        domains=(PARK,),
        roles=("park_admin",),
        order=105,
        group=ENTERPRISES,
    )
)
