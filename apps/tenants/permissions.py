from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name
from rest_framework.permissions import BasePermission


class IsTenantMember(BasePermission):
    """On an enterprise domain the caller must be a member of that enterprise (API side of
    TenantMembershipMiddleware). On the park domain it lets the view decide."""

    message = _("无权访问该企业的数据")

    def has_permission(self, request, view) -> bool:
        tenant = getattr(connection, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name():
            return True
        from apps.accounts.selectors import is_member
        from apps.tenants.choices import EnterpriseStatus

        if tenant.status != EnterpriseStatus.ACTIVE:
            return False
        return bool(
            request.user and request.user.is_authenticated and is_member(user=request.user, enterprise=tenant)
        )
