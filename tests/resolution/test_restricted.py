"""auth=true: restricted values only for an authenticated caller the owner let read them;
identifiers written through the registry's services are resolvable at once."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.grants import grant_restricted_access
from apps.identifiers.models import Prefix
from apps.identifiers.services import identifier_register, identifier_update, identifier_withdraw

pytestmark = pytest.mark.django_db

RESTRICTED = {"production_line", "process_params"}


def product(n: int = 1, **extra) -> dict:
    values = {
        "name": f"干式变压器{n}",
        "model": "SCB11-630",
        "batch_no": f"B2026{n:04d}",
        "produced_on": "2026-03-01",
        "qc_result": "合格",
        "rated_capacity": "630",
        "production_line": "总装二线",
        "process_params": "绕组温升≤100K；浸漆三次",
    }
    values.update(extra)
    return values


def seed_mfg(enterprise):
    """The seeded manufacturing template (restricted items) and the enterprise's prefix."""
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version

    Prefix.objects.get_or_create(
        prefix=f"88.101.{enterprise.code.upper()}",
        defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE},
    )
    return template_current_version(ensure_seed_templates()["PARK-MFG"])


@pytest.fixture
def mfg(enterprise_a):
    return seed_mfg(enterprise_a)


@pytest.fixture
def transformer(mfg, admin_a, enterprise_a):
    return identifier_register(actor=admin_a, enterprise=enterprise_a, template_version=mfg, values=product())


def types(response) -> set[str]:
    return {v["type"] for v in response.json()["values"]}


def token_header(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_without_auth_only_public_values(park_client, transformer, member_a):
    response = park_client.get(f"/api/handles/{transformer.handle}")
    assert response.status_code == 200
    assert "name" in types(response) and not types(response) & RESTRICTED
    # even the owner's member sees public values only unless asking with auth=true
    park_client.force_login(member_a)
    assert not types(park_client.get(f"/api/handles/{transformer.handle}")) & RESTRICTED


def test_auth_true_unauthenticated_is_401_auth_needed(park_client, transformer):
    response = park_client.get(f"/api/handles/{transformer.handle}?auth=true")
    assert response.status_code == 401
    assert response.json()["responseCode"] == 402
    assert response.json()["message"]
    assert "WWW-Authenticate" in response
    bad = park_client.get(f"/api/handles/{transformer.handle}?auth=true", HTTP_AUTHORIZATION="Token nope")
    assert (bad.status_code, bad.json()["responseCode"]) == (401, 402)


def test_auth_true_member_of_owner_reads_restricted_values(park_client, transformer, member_a):
    park_client.force_login(member_a)  # session
    response = park_client.get(f"/api/handles/{transformer.handle}?auth=true")
    assert response.status_code == 200 and response.json()["responseCode"] == 1
    assert RESTRICTED <= types(response)
    line = next(v for v in response.json()["values"] if v["type"] == "production_line")
    assert line["data"]["value"] == "总装二线" and line["ttl"] and line["timestamp"]
    # filters apply to what the caller may read
    only = park_client.get(f"/api/handles/{transformer.handle}?auth=true&type=production_line")
    assert types(only) == {"production_line"}


def test_auth_true_outsider_needs_a_grant(park_client, transformer, admin_a, admin_b, enterprise_a):
    url = f"/api/handles/{transformer.handle}?auth=true"
    response = park_client.get(url, **token_header(admin_b))
    assert response.status_code == 200
    assert "name" in types(response) and not types(response) & RESTRICTED  # authenticated, no grant

    grant_restricted_access(actor=admin_a, enterprise=enterprise_a, grantee=admin_b, identifier=transformer)
    granted = park_client.get(url, **token_header(admin_b))
    assert RESTRICTED <= types(granted)
    # the grant does not leak into the public answer
    assert not types(park_client.get(f"/api/handles/{transformer.handle}")) & RESTRICTED


def test_template_grant_reads_restricted_values(park_client, transformer, mfg, admin_a, enterprise_a):
    from tests import factories

    partner = factories.user("partner")
    url = f"/api/handles/{transformer.handle}?auth=true"
    assert not types(park_client.get(url, **token_header(partner))) & RESTRICTED
    grant_restricted_access(actor=admin_a, enterprise=enterprise_a, grantee=partner, template=mfg.template)
    assert RESTRICTED <= types(park_client.get(url, **token_header(partner)))


def test_registration_after_a_cached_not_found_resolves_at_once(
    park_client, mfg, admin_a, enterprise_a, django_capture_on_commit_callbacks
):
    from apps.identifiers import handles

    # the handle the registration will produce, asked before it exists: "not found" is cached
    handle = f"88.101.ALPHA/{handles.suffix_with_check('TX2')}"
    assert park_client.get(f"/api/handles/{handle}").status_code == 404
    assert park_client.get(f"/api/handles/{handle}").status_code == 404  # now from the cache

    with django_capture_on_commit_callbacks(execute=True):  # as after the real commit
        created = identifier_register(
            actor=admin_a,
            enterprise=enterprise_a,
            template_version=mfg,
            values=product(2),
            object_code="TX2",
        )
    assert created.handle == handle
    response = park_client.get(f"/api/handles/{handle}")
    assert response.status_code == 200
    assert response.json()["values"][0]["data"]["value"]


def test_update_and_withdrawal_through_the_registry_are_served_at_once(
    park_client, transformer, admin_a, django_capture_on_commit_callbacks
):
    url = f"/api/handles/{transformer.handle}"

    def name():
        return next(v["data"]["value"] for v in park_client.get(url).json()["values"] if v["type"] == "name")

    assert name() == "干式变压器1"
    assert name() == "干式变压器1"  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        identifier_update(actor=admin_a, identifier=transformer, values=product(1, name="改名变压器"))
    assert name() == "改名变压器"
    with django_capture_on_commit_callbacks(execute=True):
        identifier_withdraw(actor=admin_a, identifier=transformer, reason="报废")
    assert park_client.get(url).status_code == 404
