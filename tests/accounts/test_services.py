"""Account services: password changes and sign-in events reach the audit log with their actor."""

import datetime as dt

import pytest

from apps.accounts import services
from apps.audit.models import AuditEntry
from apps.core import request_context
from tests.factories import user

pytestmark = pytest.mark.django_db


def test_password_changed_dates_the_change_and_audits_it_with_the_actor(park, park_admin):
    target = user("svc_password_target")
    assert target.password_changed_at is None
    context = request_context.ActorContext(user_id=park_admin.pk, actor_label=park_admin.username)
    with request_context.acting(context):
        services.password_changed(user=target)
    target.refresh_from_db()
    assert target.password_changed_at is not None
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.object_type, entry.object_id) == (
        "auth.password_change",
        "accounts.User",
        str(target.pk),
    )
    assert (entry.actor, entry.actor_user_id, entry.tenant_schema) == (
        park_admin.username,
        park_admin.pk,
        "public",
    )


def test_an_idle_timeout_is_audited_as_such(park_client, park_admin, frozen_clock):
    park_client.force_login(park_admin)
    park_client.get("/tenants/")
    frozen_clock.shift(dt.timedelta(minutes=31))
    assert park_client.get("/tenants/").status_code == 302
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.actor_user_id) == (
        "auth.idle_logout",
        "park_admin",
        park_admin.pk,
    )
