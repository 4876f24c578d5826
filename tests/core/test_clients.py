"""The client address the audit log records and the rate limit counts, behind our own proxy."""

import pytest
from django.test import Client, RequestFactory

from apps.audit.models import AuditEntry
from apps.core.clients import client_address, client_ip


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_a_direct_client_cannot_forge_its_address():
    assert client_address(request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_the_proxy_the_right_most_untrusted_hop_counts():
    # the client wrote "1.2.3.4" itself; nginx appended the address it saw
    assert client_address(request("127.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_trusted_networks_are_skipped(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_address(request("127.0.0.1", "203.0.113.9, 10.1.2.3")) == "203.0.113.9"


def test_garbage_from_the_proxy_is_not_an_ip_for_the_log():
    assert client_ip(request("127.0.0.1", "not-an-address")) is None
    assert client_ip(request("::1")) == "::1"


@pytest.mark.django_db
def test_the_audit_log_records_the_real_client_behind_nginx(park):
    browser = Client(HTTP_HOST="park.localhost", REMOTE_ADDR="127.0.0.1")
    browser.post(
        "/accounts/login/",
        {"username": "nobody-here", "password": "whatever-Pass1"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    entry = AuditEntry.objects.filter(action="auth.login_failed").order_by("-id").first()
    assert entry is not None
    assert entry.client_ip == "203.0.113.9"
