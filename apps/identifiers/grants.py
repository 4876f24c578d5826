"""Grants of restricted values: given and revoked by the owning enterprise's administrator.

The permission is django-guardian's ``view_restricted_values`` on the identifier, or on a
metadata template (all the granting enterprise's identifiers of that template). Each grant is
also an IdentifierGrant row (the grants page lists them; a template grant is scoped to the
enterprise that gave it) and an audit entry.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, PermissionDenied
from apps.identifiers.models import Identifier, IdentifierGrant

CODENAME = "view_restricted_values"


def _template_permission() -> Permission:
    """The template-level permission lives on metadata.MetadataTemplate's content type; the
    metadata app does not declare it, so it is created on first use."""
    from apps.metadata.models import MetadataTemplate

    ctype = ContentType.objects.get_for_model(MetadataTemplate)
    perm, _created = Permission.objects.get_or_create(
        content_type=ctype,
        codename=CODENAME,
        defaults={"name": "Can view restricted values of its identifiers"},
    )
    return perm


def _identifier_permission() -> Permission:
    ctype = ContentType.objects.get_for_model(Identifier)
    perm, _created = Permission.objects.get_or_create(
        content_type=ctype, codename=CODENAME, defaults={"name": "查看受限标识值"}
    )
    return perm


def _assert_admin(actor, enterprise) -> None:
    from apps.accounts.selectors import is_enterprise_admin

    if actor.is_superuser or is_enterprise_admin(user=actor, enterprise=enterprise):
        return
    if enterprise.is_park_operator and actor.park_role == "park_admin":
        return
    raise PermissionDenied(_("只有企业管理员可以授权或撤销受限数据访问"))


@transaction.atomic
def grant_restricted_access(*, actor, enterprise, grantee, identifier=None, template=None) -> IdentifierGrant:
    _assert_admin(actor, enterprise)
    if (identifier is None) == (template is None):
        raise ApplicationError(_("请选择一个标识或一个模板"), code="invalid_target")
    if identifier is not None and identifier.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("只能授权本企业的标识"))
    if grantee.pk == actor.pk:
        raise ApplicationError(_("不能给自己授权"), code="self_grant")
    grant, created = IdentifierGrant.objects.get_or_create(
        enterprise=enterprise,
        grantee=grantee,
        identifier=identifier,
        template=template,
        defaults={"granted_by": actor},
    )
    if identifier is not None:
        assign_perm(_identifier_permission(), grantee, identifier)
    else:
        assign_perm(_template_permission(), grantee, template)
    if created:
        audit_write(
            action="identifier.grant",
            object_type="identifiers.IdentifierGrant",
            object_id=grant.pk,
            object_repr=str(grant),
            changes={"grantee": [None, grantee.username], "target": [None, str(identifier or template)]},
            tenant_schema=enterprise.schema_name,
        )
    return grant


@transaction.atomic
def revoke_restricted_access(*, actor, grant: IdentifierGrant) -> None:
    _assert_admin(actor, grant.enterprise)
    grantee, identifier, template = grant.grantee, grant.identifier, grant.template
    if identifier is not None:
        remove_perm(_identifier_permission(), grantee, identifier)
    elif not IdentifierGrant.objects.filter(grantee=grantee, template=template).exclude(pk=grant.pk).exists():
        # other enterprises' grants on the same template keep the object permission alive
        remove_perm(_template_permission(), grantee, template)
    audit_write(
        action="identifier.revoke",
        object_type="identifiers.IdentifierGrant",
        object_id=grant.pk,
        object_repr=str(grant),
        changes={"grantee": [grantee.username, None], "target": [str(identifier or template), None]},
        tenant_schema=grant.enterprise.schema_name,
    )
    grant.delete()
