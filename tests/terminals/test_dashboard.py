"""The park workbench shows terminal authentication (enrolled, online now, authentications per
hour and refusals by reason, with charts), and successful authentications are audited once per
enterprise and hour when the hour is over (refusals are audited one by one: test_device_api)."""

import datetime as dt
import re

import pytest

from apps.audit.models import AuditEntry
from apps.terminals import keys, services
from apps.terminals.models import AuthCount
from tests import factories
from tests.terminals.test_device_api import Device, enrolled

pytestmark = pytest.mark.django_db


def test_the_park_workbench_shows_terminal_figures_and_charts(
    park_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_version
):
    a, private_a = enrolled(enterprise_a, admin_a, terminal_version, n=1)
    b, _private_b = enrolled(enterprise_b, admin_b, terminal_version, n=2)
    device = Device(park_client, a.terminal.handle, private_a)
    device.authenticate()
    device.post("report", device.batch(1, []), HTTP_AUTHORIZATION=f"Bearer {device.token}")  # online now
    wrong = Device(park_client, b.terminal.handle, keys.generate_private_key("sm2"))
    wrong.token_response(wrong.nonce())  # a refusal: bad_signature
    park_client.force_login(factories.user("park_admin", park_role="park_admin"))
    page = park_client.get("/").content.decode()
    card = re.search(r'<section class="card figure" data-figure="terminals">.*?</section>', page, re.S)
    assert card, "no terminal card on the park workbench"
    card = card.group(0)
    assert 'data-kpi="terminals-enrolled">2<' in card
    assert 'data-kpi="terminals-online">1<' in card
    assert 'data-kpi="terminals-online-rate">50.0%<' in card
    assert card.count("<svg") == 2  # authentications per hour, refusals by reason
    assert 'href="/terminals/"' in card


def test_successful_authentications_are_audited_once_per_enterprise_and_hour(
    park_client, enterprise_a, admin_a, terminal_version, frozen_clock
):
    a, private_a = enrolled(enterprise_a, admin_a, terminal_version, n=1)
    b, private_b = enrolled(enterprise_a, admin_a, terminal_version, n=2)
    for handle, private in (
        (a.terminal.handle, private_a),
        (b.terminal.handle, private_b),
        (a.terminal.handle, private_a),
    ):
        Device(park_client, handle, private).authenticate()
    hourly = AuditEntry.objects.filter(action="terminal.auth.hourly")
    services.auth_counts_flush()
    assert not hourly.exists()  # the hour is not over
    frozen_clock.shift(dt.timedelta(hours=1))
    services.auth_counts_flush()
    services.auth_counts_flush()  # twice: still one entry
    (entry,) = hourly
    assert entry.changes["authenticated"] == [None, 3]
    assert entry.tenant_schema == enterprise_a.schema_name and entry.object_id == str(enterprise_a.pk)
    assert AuthCount.objects.get(outcome="ok").audited_at is not None
    # no individual audit entry per success, one per refusal
    assert not AuditEntry.objects.filter(action__startswith="terminal.auth.ok").exists()
