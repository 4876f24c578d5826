"""Enterprise pages (mapping with the private key shown once, the signed change that shows its
payload, the wallet binding and login), the park's BID page and the evaluation report's section."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from apps.bid import auth, codec, services
from apps.bid.models import Bid
from tests import factories
from tests.bid.conftest import committed
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_map_on_the_page_shows_the_private_key_once(
    tenant_client, enterprise_a, admin_a, terminal_identifier
):
    identifier, _ = terminal_identifier()
    client = login(tenant_client(enterprise_a), admin_a)
    assert client.get("/bid/").status_code == 200
    response = client.post(
        "/bid/map/", {"subject": "identifier", "handle": identifier.handle, "generate": "sm2"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    private = re.search(r"(priS[1-9A-Za-z]+)", response.content.decode()).group(1)
    bid = Bid.objects.get(identifier=identifier)
    assert codec.decode_private_key(private).key.bid() == bid.did
    assert private not in str(bid.document) and client.get("/bid/").content.decode().count(private) == 0


def test_signed_change_on_the_page_shows_the_payload_then_applies(
    tenant_client, enterprise_a, admin_a, terminal_identifier
):
    identifier, _ = terminal_identifier()
    issued = committed(services.bid_map_identifier, actor=admin_a, identifier=identifier, key_type="ed25519")
    pair = codec.decode_private_key(issued.private_key)
    client = login(tenant_client(enterprise_a), admin_a)
    first = client.post(f"/bid/{issued.bid.pk}/deactivate/", {"deactivate-reason": "报废"})
    assert first.status_code == 200
    payload = services.signing_payload(issued.bid, "deactivate", {"reason": "报废"})
    assert payload.decode().replace('"', "&quot;") in first.content.decode()
    done = client.post(
        f"/bid/{issued.bid.pk}/deactivate/",
        {"deactivate-reason": "报废", "deactivate-signature": codec.sign(pair, payload).hex()},
    )
    assert done.status_code == 302
    assert Bid.objects.get(pk=issued.bid.pk).state == "deactivated"


def test_another_enterprise_gets_404_on_the_detail_page(
    tenant_client, enterprise_a, enterprise_b, admin_a, admin_b, terminal_identifier
):
    identifier, _ = terminal_identifier()
    issued = committed(services.bid_map_identifier, actor=admin_a, identifier=identifier, key_type="sm2")
    client = login(tenant_client(enterprise_b), admin_b)
    assert client.get(f"/bid/{issued.bid.pk}/").status_code == 404
    assert client.post(f"/bid/{issued.bid.pk}/rotate/", {"rotate-generate": "sm2"}).status_code == 404


def test_wallet_login_needs_the_password_and_the_wallet(tenant_client, enterprise_a, admin_a, settings):
    settings.BID_WALLET_LOGIN = "second_factor"
    issued = committed(services.bid_map_enterprise, actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    pair, did = codec.decode_private_key(issued.private_key), issued.bid.did
    client = login(tenant_client(enterprise_a), admin_a)
    client.post("/bid/wallet/", {"bid": did})
    code = client.session["bid_wallet_bind"]["code"]
    signed = auth.wallet_sign(pair, code)
    bound = client.post(
        "/bid/wallet/", {"bid": did, "public_key": signed["publicKey"], "sign_data": signed["signData"]}
    )
    assert bound.status_code == 302 and admin_a.bid_wallet.did == did

    anonymous = tenant_client(enterprise_a)
    assert "/bid/wallet-login/" in anonymous.get("/accounts/login/").content.decode()
    anonymous.post("/bid/wallet-login/", {"bid": did})
    code = anonymous.session["bid_wallet_login"]["code"]
    signed = auth.wallet_sign(pair, code)
    wrong = anonymous.post(
        "/bid/wallet-login/",
        {
            "bid": did,
            "username": admin_a.username,
            "password": "wrong",
            "public_key": signed["publicKey"],
            "sign_data": signed["signData"],
        },
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in anonymous.session
    anonymous.post("/bid/wallet-login/", {"bid": did})
    code = anonymous.session["bid_wallet_login"]["code"]
    signed = auth.wallet_sign(pair, code)
    ok = anonymous.post(
        "/bid/wallet-login/",
        {
            "bid": did,
            "username": admin_a.username,
            "password": factories.PASSWORD,
            "public_key": signed["publicKey"],
            "sign_data": signed["signData"],
        },
    )
    assert ok.status_code == 302 and anonymous.session["_auth_user_id"] == str(admin_a.pk)


def test_park_page_in_english(park_client, park_admin, settings):
    settings.BID_AC_CODE = "a1b2"
    client = login(park_client, park_admin)
    page = client.get("/bid/?lang=en")
    text = page.content.decode()
    assert page.status_code == 200 and "did:bid:a1b2:" in text
    assert "Park node BID" in text


def test_evaluation_report_section(enterprise_a, admin_a, frozen_clock):
    from apps.core.pdf import render_html
    from apps.reports import selectors as report_selectors
    from apps.reports.rendering import evaluation_context

    issued = committed(services.bid_map_enterprise, actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    code = auth.challenge(did=issued.bid.did)["randomCode"]
    auth.verify(
        payload={
            **auth.wallet_sign(codec.decode_private_key(issued.private_key), code),
            "bid": issued.bid.did,
        }
    )
    today = FROZEN_NOW.date()  # the frozen clock's day: the BID and its authentication are stamped then
    data = report_selectors.report_data(report_selectors.Scope(start=today - dt.timedelta(days=7), end=today))
    figures = data["extra"]["bid"]
    assert (figures["total"], figures["active"], figures["accepted"]) == (1, 1, 1)
    html = render_html("reports/pdf/evaluation.html", evaluation_context(data, title="园区报告"))
    assert 'id="sec-bid"' in html and "数字身份管理" in html


def test_park_workbench_has_the_bid_card(park_client, park_admin, enterprise_a, admin_a):
    committed(services.bid_map_enterprise, actor=admin_a, enterprise=enterprise_a, key_type="sm2")
    page = login(park_client, park_admin).get("/")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-figure="bid"' in text
    assert 'data-kpi="bid-total">1<' in text and enterprise_a.name in text


def test_the_login_page_offers_the_wallet_only_where_the_park_allows_it(
    tenant_client, enterprise_a, settings
):
    settings.BID_WALLET_LOGIN = "second_factor"
    client = tenant_client(enterprise_a)
    assert "/bid/wallet-login/" in client.get("/accounts/login/").content.decode()
    settings.BID_WALLET_LOGIN = "off"
    assert "/bid/wallet-login/" not in client.get("/accounts/login/").content.decode()
