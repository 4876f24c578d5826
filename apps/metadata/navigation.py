from django.utils.translation import gettext_lazy as _

from apps.core.navigation import ENTERPRISE, ENTERPRISE_USERS, PARK, PARK_STAFF, TEMPLATES, NavItem


def _waiting(*, user, enterprise) -> int:
    """Enterprise domain: its unread notices. Park domain: requests waiting for a decision."""
    from apps.metadata.selectors import notices_for_enterprise, pending_change_request_count

    if enterprise is not None:
        return notices_for_enterprise(enterprise, unread_only=True).count()
    return pending_change_request_count()


ITEMS = [
    NavItem(
        _("元数据模板"),
        "metadata:template_list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=300,
        group=TEMPLATES,
    ),
    NavItem(
        _("模板变更申请"),
        "metadata:change_request_list",
        domains=(PARK, ENTERPRISE),
        roles=PARK_STAFF + ENTERPRISE_USERS,
        order=310,
        group=TEMPLATES,
        badge=lambda *, user, enterprise: _waiting(user=user, enterprise=enterprise),
    ),
]
