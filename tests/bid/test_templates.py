"""A template that asks for BIDs: its identifiers are mapped when they are registered — one by
one (a terminal's enrolment: the credential key) or from an Excel import."""

from __future__ import annotations

import pytest
from django.test import TestCase

from apps.bid import codec, services
from apps.bid.models import Bid
from apps.core.errors import PermissionDenied
from apps.terminals import keys

pytestmark = pytest.mark.django_db


def test_enrolling_a_terminal_maps_it_with_its_credential_key(
    terminal_identifier, terminal_version, park_admin, admin_a
):
    with pytest.raises(PermissionDenied):  # a shared template is the park's to set
        services.bid_template_set(actor=admin_a, template=terminal_version.template, use_terminal_key=True)
    services.bid_template_set(actor=park_admin, template=terminal_version.template, use_terminal_key=True)
    identifier, private = terminal_identifier()
    bid = Bid.objects.get(identifier=identifier)
    assert bid.did == codec.from_terminal_key(keys.public_key_of(private)).bid()
    assert bid.created_by_id == admin_a.pk and not bid.key_generated_by_portal


def test_an_excel_import_maps_every_row_with_a_bid_key(enterprise_a, admin_a, park_admin, terminal_version):
    from apps.imports import services as imports
    from tests.terminals.test_excel import run_import

    services.bid_template_set(actor=park_admin, template=terminal_version.template, use_terminal_key=True)
    sm2 = keys.public_key_of(keys.generate_private_key("sm2"))
    ed = keys.public_key_of(keys.generate_private_key("ed25519"))
    p256 = keys.public_key_of(keys.generate_private_key("p256"))  # a terminal key, not a BID key type
    rows = [
        ["XB1", "终端1", "TH-200", "园区智能", sm2.sm2_raw_hex],
        ["XB2", "终端2", "TH-200", "园区智能", ed.b64],
        ["XB3", "终端3", "TH-200", "园区智能", p256.pem],
    ]
    job = run_import(terminal_version, enterprise_a, admin_a, rows)
    job = imports.import_job_confirm(job=job, actor=admin_a, start=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        imports.import_job_apply(job=job)
    dids = set(Bid.objects.filter(enterprise=enterprise_a).values_list("did", flat=True))
    assert dids == {codec.from_terminal_key(sm2).bid(), codec.from_terminal_key(ed).bid()}
    assert services.bids_map_imported(job_id=job.pk) == {"mapped": 0, "refused": 0}  # run again: nothing


def test_a_templates_bid_setting_through_the_api(
    park_client, tenant_client, enterprise_a, park_admin, admin_a, admin_b, terminal_version
):
    from tests.bid.test_api import auth

    url = f"/api/v1/bid/templates/{terminal_version.template.pk}/"
    alpha = tenant_client(enterprise_a)
    assert alpha.get(url, **auth(admin_a)).json() == {
        "template": terminal_version.template.pk,
        "auto_map": False,
        "use_terminal_key": False,
        "inherited_from": None,
    }
    body = {"auto_map": True, "use_terminal_key": True}
    refused = alpha.put(url, body, content_type="application/json", **auth(admin_a))
    assert refused.status_code == 403  # a shared template is the park's to set
    assert alpha.get(url, **auth(admin_b)).status_code in (403, 404)  # not alpha's member
    answer = park_client.put(url, body, content_type="application/json", **auth(park_admin))
    assert answer.status_code == 200 and answer.json()["use_terminal_key"] is True
    assert alpha.get(url, **auth(admin_a)).json()["auto_map"] is True
    assert services.bid_template(terminal_version.template).use_terminal_key is True
    assert park_client.get("/api/v1/bid/templates/999999/", **auth(park_admin)).status_code == 404
