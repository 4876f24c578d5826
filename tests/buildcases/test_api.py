"""/api/v1/buildcases/cases/: list, detail with items and timeline, and the item actions (sign
off, upload an artifact, run an automated step) under the case page's role rules; schemathesis."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.buildcases import services
from apps.buildcases.choices import CompletionKind, ItemState
from tests import factories
from tests.buildcases.builders import document, work_manual_items
from tests.openapi import assert_conforms, writes_config


def api(user, host: str = "park.localhost") -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def current_item(case, kind):
    return case.items.filter(stage=case.stage, completion_kind=kind).order_by("order").first()


@pytest.mark.django_db
def test_read_sign_off_upload_and_run(
    alpha_case, beta_case, park_admin, park_auditor, park_operator, admin_a, member_a
):
    case = alpha_case
    listed = api(park_auditor).get("/api/v1/buildcases/cases/?status=active").json()
    assert {c["id"] for c in listed["results"]} == {alpha_case.pk, beta_case.pk}
    detail = api(park_auditor).get(f"/api/v1/buildcases/cases/{case.pk}/").json()
    assert detail["stage"] == case.stage and detail["items"] and detail["timeline"]
    assert api(admin_a).get("/api/v1/buildcases/cases/").status_code == 403  # park domain: staff only

    # the enterprise's member reads its own case and uploads the current stage's artifact
    alpha = factories.domain_of(case.enterprise)
    assert [c["id"] for c in api(member_a, alpha).get("/api/v1/buildcases/cases/").json()["results"]] == [
        case.pk
    ]
    assert api(member_a, alpha).get(f"/api/v1/buildcases/cases/{beta_case.pk}/").status_code == 404
    artifact_item = current_item(case, CompletionKind.ARTIFACT)
    uploaded = api(member_a, alpha).post(
        f"/api/v1/buildcases/cases/{case.pk}/items/{artifact_item.pk}/upload/", {"file": document()}
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["filename"] == "方案.pdf"

    while current_item(case, CompletionKind.SIGNOFF) is None:  # on to a stage with a sign-off
        for item in work_manual_items(case, park_admin):
            item.state = ItemState.DONE
            item.save()
        case = services.stage_approve(case=case, actor=park_admin)
    signoff = current_item(case, CompletionKind.SIGNOFF)
    url = f"/api/v1/buildcases/cases/{case.pk}/items/{signoff.pk}/sign-off/"
    assert api(park_auditor).post(url, {"note": "好"}, content_type="application/json").status_code == 403
    assert api(member_a, alpha).post(url, {}, content_type="application/json").status_code == 403
    before = len(api(park_auditor).get(f"/api/v1/buildcases/cases/{case.pk}/").json()["timeline"])
    signed = api(park_operator).post(url, {"note": "资料齐全"}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["state"] == ItemState.DONE
    again = api(park_operator).post(url, {}, content_type="application/json")
    assert again.status_code in (200, 400)
    timeline = api(park_auditor).get(f"/api/v1/buildcases/cases/{case.pk}/").json()["timeline"]
    assert len(timeline) > before

    other = case.items.exclude(pk=signoff.pk).first()
    assert (
        api(park_admin).post(f"/api/v1/buildcases/cases/{beta_case.pk}/items/{other.pk}/run/").status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_buildcase_operations_conform_to_the_schema(live_server, alpha_case, park_admin):
    token = f"Token {Token.objects.create(user=park_admin).key}"
    # An item of another stage, already done, or of the wrong kind is a 400.
    config = writes_config(token, "^/api/v1/buildcases/", ["2xx", "400", "404"])
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/buildcases/",
        known_ids={"/api/v1/buildcases/cases/": [alpha_case.pk]},
        config=config,
    )
