"""API clients: programs calling the REST API for an enterprise, each with its own service
account and token (so each is audited by name and revoked alone)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.accounts.choices import EnterpriseRole
from apps.accounts.models import Membership, User
from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.identifiers.models import APIClient


@transaction.atomic
def api_client_create(*, actor, enterprise, name: str) -> tuple[APIClient, str]:
    """Create a client; returns it and its token key (shown once)."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写客户端名称"))
    if APIClient.objects.filter(enterprise=enterprise, name=name).exists():
        raise ApplicationError(_("同名的 API 客户端已存在"), code="duplicate")
    username = f"api-{enterprise.code.lower()}-{slugify(name)[:20] or 'client'}-{secrets.token_hex(3)}"
    # The name may use the client column's 100 characters; the user's display name holds 50.
    user = User(username=username, display_name=f"{name[:45]}（API）", is_active=True)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, enterprise=enterprise, role=EnterpriseRole.ENTERPRISE_MEMBER)
    client = APIClient.objects.create(name=name, enterprise=enterprise, user=user, created_by=actor)
    token = Token.objects.create(user=user)
    audit_write(
        action="api_client.create",
        object_type="identifiers.APIClient",
        object_id=client.pk,
        object_repr=name,
        after={"name": name, "user": username},
        tenant_schema=enterprise.schema_name,
    )
    return client, token.key


@transaction.atomic
def api_client_revoke(*, actor, client: APIClient) -> None:
    Token.objects.filter(user=client.user).delete()
    User.objects.filter(pk=client.user_id).update(is_active=False)
    client.is_active = False
    client.save(update_fields=["is_active", "updated_at"])
    audit_write(
        action="api_client.revoke",
        object_type="identifiers.APIClient",
        object_id=client.pk,
        object_repr=client.name,
        before={"is_active": True},
        after={"is_active": False},
        tenant_schema=client.enterprise.schema_name,
    )


@transaction.atomic
def api_token_rotate(*, actor: User) -> str:
    """Replace ``actor``'s own REST API token; returns the new key (shown once). The old key stops
    working at once. The audit entry says that a token was replaced, never the key."""
    had = Token.objects.filter(user=actor).delete()[0] > 0
    token = Token.objects.create(user=actor)
    audit_write(
        action="api_token.rotate",
        object_type="accounts.User",
        object_id=actor.pk,
        object_repr=actor.get_username(),
        changes={"token": ["revoked" if had else None, "issued"]},
        actor=actor.get_username(),
        actor_user_id=actor.pk,
    )
    return token.key
