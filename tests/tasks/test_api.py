"""/api/v1/tasks/runs/: a TaskRun's state and progress with the page's visibility, and the
schema conformance of the endpoints (schemathesis)."""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.tasks.models import TaskRun
from tests import factories
from tests.openapi import assert_conforms


def api(host: str, user=None) -> Client:
    if user is None:
        return Client(HTTP_HOST=host)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


@pytest.fixture
def runs(enterprise_a, enterprise_b, admin_a, admin_b, park_admin):
    return {
        "a": TaskRun.objects.create(
            task_name="apps.imports.tasks.import_apply_task", title="导入 A", tenant=enterprise_a,
            schema_name=enterprise_a.schema_name, started_by=admin_a, state="running", progress=45,
            message="已写入 45%",
        ),
        "b": TaskRun.objects.create(
            task_name="apps.imports.tasks.import_apply_task", title="导入 B", tenant=enterprise_b,
            schema_name=enterprise_b.schema_name, started_by=admin_b, state="succeeded", progress=100,
            result={"create": 3},
        ),
        "park": TaskRun.objects.create(task_name="apps.reports.tasks.report_task", title="报告", started_by=park_admin),
    }  # fmt: skip


@pytest.mark.django_db
def test_progress_with_the_pages_visibility(runs, park_admin, admin_a, member_a, admin_b, enterprise_a):
    alpha = factories.domain_of(enterprise_a)
    assert api(alpha).get("/api/v1/tasks/runs/").status_code == 401
    detail = api(alpha, member_a).get(f"/api/v1/tasks/runs/{runs['a'].pk}/").json()
    assert detail["state"] == "running" and detail["progress"] == 45 and detail["finished"] is False
    listed = api(alpha, member_a).get("/api/v1/tasks/runs/").json()["results"]
    assert [r["id"] for r in listed] == [runs["a"].pk]
    assert api(alpha, member_a).get(f"/api/v1/tasks/runs/{runs['b'].pk}/").status_code == 404
    assert api(alpha, admin_b).get("/api/v1/tasks/runs/").status_code == 403  # not a member
    # park domain: staff see all; an enterprise user only the runs they started
    park_ids = {
        r["id"] for r in api("park.localhost", park_admin).get("/api/v1/tasks/runs/").json()["results"]
    }
    assert park_ids >= {runs["a"].pk, runs["b"].pk, runs["park"].pk}
    own = api("park.localhost", admin_b).get("/api/v1/tasks/runs/").json()["results"]
    assert [r["id"] for r in own] == [runs["b"].pk] and own[0]["result"] == {"create": 3}
    filtered = api("park.localhost", park_admin).get("/api/v1/tasks/runs/?state=succeeded").json()["results"]
    assert {r["id"] for r in filtered} == {runs["b"].pk}
    assert api("park.localhost", park_admin).get("/api/v1/tasks/runs/?state=bogus").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_task_operations_conform_to_the_schema(live_server, runs, admin_a):
    token = f"Token {Token.objects.create(user=admin_a).key}"
    config = schemathesis.Config.from_dict(
        {"auth": {"openapi": {"tokenAuth": {"api_key": token}}}, "generation": {"allow-x00": False}}
    )
    assert_conforms(
        live_server=live_server,
        host="alpha.park.localhost",
        token=token,
        api="^/api/v1/tasks/",
        known_ids={"/api/v1/tasks/runs/": [runs["a"].pk]},
        config=config,
    )
