"""In the browser: an enterprise member registers an object through the form generated from
the template and finds it in the list."""

from __future__ import annotations

import pytest

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Identifier, Prefix
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_through_the_generated_form(live_server, live_url, page, enterprise_a):
    from apps.metadata.demo import ensure_seed_templates

    ensure_seed_templates()
    Prefix.objects.get_or_create(
        prefix="88.101.ALPHA", defaults={"enterprise": enterprise_a, "status": PrefixStatus.ACTIVE}
    )
    member = factories.member("browser_member", enterprise_a, role="enterprise_member")
    base = live_url("alpha.park.localhost")
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", member.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{base}/identifiers/new/")
    page.get_by_role("row", name="企业物流设备模板").get_by_role("link").click()
    page.fill("input[name=object_code]", "AGV-07")
    page.fill("input[name=name]", "7号 AGV 小车")
    page.select_option("select[name=equipment_type]", "AGV")
    page.fill("input[name=rated_load]", "1.5")
    page.fill("input[name=purchased_on]", "2025-06-18")
    page.fill("input[name=tracker_id]", "GPS-000777")
    page.click("#identifier-form button[type=submit]")
    page.wait_for_url(lambda url: "/identifiers/new/" not in url)
    assert "88.101.ALPHA/AGV-07" in page.locator("#handle").inner_text()
    assert page.locator("text=GPS-000777").count() == 1  # restricted value, shown to the member

    page.goto(f"{base}/identifiers/?q=AGV")
    row = page.locator("#identifier-table tbody tr", has_text="88.101.ALPHA/AGV-07")
    assert row.count() == 1
    assert "7号 AGV 小车" in row.inner_text()
    assert Identifier.objects.get(handle="88.101.ALPHA/AGV-07").category == "logistics"
