"""The park's evaluation report has a terminal-authentication section, learned by reports
through its section registry (reports never imports terminals)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.pdf import render_html
from apps.reports import selectors as report_selectors
from apps.reports.rendering import evaluation_context
from apps.terminals import keys
from tests.terminals.test_device_api import Device, enrolled

pytestmark = pytest.mark.django_db


def test_evaluation_report_counts_terminals_and_authentications(
    enterprise_a, enterprise_b, admin_a, admin_b, terminal_version, park_client, frozen_clock
):
    a, private_a = enrolled(enterprise_a, admin_a, terminal_version, n=1)
    b, _private_b = enrolled(enterprise_b, admin_b, terminal_version, n=2)
    device = Device(park_client, a.terminal.handle, private_a)
    device.authenticate()
    device.report(device.batch(1, [{"time": "2026-03-18T02:00:00Z", "item": "temperature", "value": "1"}]))
    impostor = Device(park_client, b.terminal.handle, keys.generate_private_key("sm2"))
    impostor.token_response(impostor.nonce())
    today = timezone.localdate()
    scope = report_selectors.Scope(start=today - dt.timedelta(days=7), end=today)
    data = report_selectors.report_data(scope)
    figures = data["extra"]["terminals"]
    assert (figures["enrolled"], figures["online"], figures["accepted"], figures["refused"]) == (2, 1, 1, 1)
    assert figures["online_rate"] == 0.5
    assert [f["count"] for f in figures["failures"]] == [1]
    html = render_html("reports/pdf/evaluation.html", evaluation_context(data, title="园区报告"))
    assert 'id="sec-terminals"' in html and "标识+终端认证" in html
    assert "八、标识+终端认证" in html  # numbered in place, before the security baseline
    assert html.index('id="sec-terminals"') < html.index('id="sec-security"')

    only_b = report_selectors.report_data(
        report_selectors.Scope(start=scope.start, end=scope.end, enterprise=enterprise_b), verify_audit=False
    )["extra"]["terminals"]
    assert (only_b["enrolled"], only_b["accepted"], only_b["refused"]) == (1, 0, 1)
