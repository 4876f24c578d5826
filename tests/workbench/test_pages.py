"""The park's and an enterprise's home page (apps.workbench): which to-do entries each role sees,
that the counts are right, that each entry's link opens the list filtered to exactly those rows,
and the figures read from the summaries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from apps.identifiers.choices import UpstreamStatus
from apps.identifiers.models import Prefix
from tests import factories
from tests.buildcases.builders import work_manual_items
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.django_db

PARK_TODO = {
    "park_admin": [
        "enterprise_applications",
        "change_requests",
        "prefix_waiting_data",
        "prefix_refused",
        "signoffs",
        "sync_failures",
        "imports_validated",
        "overdue_bills",
    ],
    "park_operator": [
        "prefix_waiting_data",
        "prefix_refused",
        "signoffs",
        "sync_failures",
        "imports_validated",
    ],
    "park_auditor": [],
    "park_finance": ["overdue_bills"],
}


def todo_of(html: str) -> dict[str, tuple[int, str]]:
    """{key: (count, link)} of the page's to-do list."""
    rows = re.findall(
        r'<li data-todo="([a-z_]+)"[^>]*><a href="([^"]+)"><span class="todo-count">(\d+)</span>', html
    )
    return {key: (int(count), url.replace("&amp;", "&")) for key, url, count in rows}


@pytest.fixture
def queue(frozen_clock, park, park_admin, alpha, beta, operator, mfg):
    """Something waiting in every queue, with known counts."""
    from apps.billing.choices import BillStatus
    from apps.billing.models import Bill
    from apps.buildcases import services as cases
    from apps.imports.choices import ImportState
    from apps.imports.models import ImportJob
    from apps.metadata.choices import ChangeRequestStatus
    from apps.metadata.models import TemplateChangeRequest
    from apps.sync.models import OutboxEntry, OutboxStatus
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    for i, credit_code in enumerate(factories.SPARE_CREDIT_CODES[:2]):
        Enterprise.objects.create(
            schema_name=f"ent_applied{i}",
            name=f"申请企业{i}",
            credit_code=credit_code,
            code=f"APPL{i}",
            status=EnterpriseStatus.APPLIED,
            contact_name="李四",
            contact_phone="13900000000",
            contact_email=f"applied{i}@example.com",
        )
    template = mfg.template
    for status, n in ((ChangeRequestStatus.PENDING, 3), (ChangeRequestStatus.REJECTED, 1)):
        for i in range(n):
            TemplateChangeRequest.objects.create(
                template=template,
                enterprise=alpha,
                proposed_item={"code": f"x{i}"},
                reason="r",
                status=status,
            )
    for status, n in (
        (OutboxStatus.WAITING_DATA, 1),
        (OutboxStatus.FAILED, 2),
        (OutboxStatus.STOPPED, 1),
        (OutboxStatus.PENDING, 4),
        (OutboxStatus.SENT, 5),
    ):
        for i in range(n):
            OutboxEntry.objects.create(operation="create", handle=f"88.101.ALPHA/{status}{i}", status=status)
    Prefix.objects.filter(enterprise=beta).update(upstream_status=UpstreamStatus.REJECTED)
    case = cases.case_create(actor=park_admin, title="园区二级节点建设", mode="secondary")
    work_manual_items(case, park_admin)
    case = cases.stage_approve(case=case, actor=park_admin)  # 规划: one item to sign
    for state, n in ((ImportState.VALIDATED, 2), (ImportState.APPLIED, 1)):
        for i in range(n):
            ImportJob.objects.create(
                enterprise=operator,
                template_version=mfg,
                original_name=f"{state}{i}.xlsx",
                file_format="xlsx",
                file=f"imports/{state}{i}.xlsx",
                state=state,
            )
    today = FROZEN_NOW.date()
    for i, due in enumerate((today - dt.timedelta(days=5), today + dt.timedelta(days=5))):
        Bill.objects.create(
            number=f"WB-{i}",
            enterprise=alpha,
            period=dt.date(2026, 1 + i, 1),
            status=BillStatus.ISSUED,
            total=Decimal("100.00"),
            due_date=due,
        )
    return case


def expiring_credentials(identifiers, *, days: tuple[int, ...]):
    """A terminal per identifier, its active credential expiring in ``days`` days."""
    from django.utils import timezone

    from apps.terminals.models import Terminal, TerminalCredential

    terminals = []
    for n, (identifier, left) in enumerate(zip(identifiers, days, strict=True)):
        terminal = Terminal.objects.create(
            identifier=identifier, enterprise=identifier.enterprise, handle=identifier.handle
        )
        TerminalCredential.objects.create(
            terminal=terminal,
            algorithm="ed25519",
            public_key="MCowBQYDK2VwAyEA" + "A" * 43 + "=",
            fingerprint=f"{n:064d}",
            key_index=300,
            not_after=timezone.now() + dt.timedelta(days=left),
        )
        terminals.append(terminal)
    return terminals


def open_signoffs(case) -> int:
    from apps.buildcases.choices import CompletionKind, ItemState

    return sum(
        1
        for item in case.items.all()
        if item.stage == case.stage
        and item.completion_kind == CompletionKind.SIGNOFF
        and item.state == ItemState.OPEN
    )


@pytest.mark.parametrize("role", list(PARK_TODO))
def test_park_todo_shows_what_the_role_may_act_on(role, queue, park_client):
    user = factories.user(role, park_role=role)
    park_client.force_login(user)
    page = park_client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert list(todo_of(html)) == PARK_TODO[role]
    for figure in (
        "registrations",
        "resolutions",
        "enterprises",
        "top-prefixes",
        "sync",
        "build-cases",
        "audit",
    ):
        assert f'data-figure="{figure}"' in html
    assert html.count("<svg") >= 5


def test_park_todo_counts_and_links_filter(queue, park_client, park_admin):
    park_client.force_login(park_admin)
    todo = todo_of(park_client.get("/").content.decode())
    signoffs = open_signoffs(queue)
    assert signoffs == 1  # the secondary mode's 规划 stage has one item to sign
    assert {key: count for key, (count, _url) in todo.items()} == {
        "enterprise_applications": 2,
        "change_requests": 3,
        "prefix_waiting_data": 1,
        "prefix_refused": 1,
        "signoffs": signoffs,
        "sync_failures": 3,
        "imports_validated": 2,
        "overdue_bills": 1,
    }

    # Each link opens its list showing those rows and not the others.
    listed = park_client.get(todo["enterprise_applications"][1]).content.decode()
    assert "申请企业0" in listed and "申请企业1" in listed and "Alpha 测试科技有限公司" not in listed
    listed = park_client.get(todo["imports_validated"][1]).content.decode()
    assert "validated0.xlsx" in listed and "validated1.xlsx" in listed and "applied0.xlsx" not in listed
    listed = park_client.get(todo["overdue_bills"][1]).content.decode()
    assert "WB-0" in listed and "WB-1" not in listed
    listed = park_client.get(todo["prefix_refused"][1]).content.decode()
    prefixes = listed.split('id="prefixes"')[1]
    assert "88.101.BETA" in prefixes and "88.101.ALPHA" not in prefixes
    failures = park_client.get(todo["sync_failures"][1]).content.decode().split('id="failures"')[1]
    failures = failures.split("</section>")[0]
    assert failures.count("88.101.ALPHA/failed") == 2 and "88.101.ALPHA/stopped0" in failures
    assert "88.101.ALPHA/pending" not in failures
    assert todo["sync_failures"][1].endswith("#failures")
    board = park_client.get(todo["signoffs"][1]).content.decode()
    assert "园区二级节点建设" in board and 'data-testid="signoff-filter"' in board
    listed = park_client.get(todo["change_requests"][1])
    assert len(listed.context["requests"]) == 3


def test_signing_off_an_item_takes_it_off_the_queue(queue, park_client, park_admin):
    from apps.buildcases import services as cases
    from apps.buildcases.choices import CompletionKind, ItemState

    park_client.force_login(park_admin)
    before = todo_of(park_client.get("/").content.decode())["signoffs"][0]
    item = queue.items.filter(
        stage=queue.stage, completion_kind=CompletionKind.SIGNOFF, state=ItemState.OPEN
    ).first()
    cases.item_sign_off(item=item, actor=park_admin)
    assert before == 1
    assert todo_of(park_client.get("/").content.decode())["signoffs"][0] == 0
    board = park_client.get("/buildcases/?waiting=signoff").content.decode()
    assert 'data-testid="signoff-filter"' in board and "园区二级节点建设" not in board
    assert "园区二级节点建设" in park_client.get("/buildcases/").content.decode()


def test_enterprise_user_is_not_shown_the_park_workbench(park_client, admin_a):
    park_client.force_login(admin_a)
    html = park_client.get("/").content.decode()
    assert 'data-testid="todo"' not in html


def test_registrations_figure_reads_the_summary_and_the_live_tail(
    frozen_clock, park_client, park_admin, alpha, beta, make_identifiers
):
    from apps.workbench import services
    from apps.workbench.models import RegistrationDay

    make_identifiers(alpha, 5)
    frozen_clock.shift(dt.timedelta(minutes=20))
    services.registration_summary_refresh()  # the 5 settled ones folded into the summary
    assert sum(RegistrationDay.objects.values_list("count", flat=True)) == 5
    make_identifiers(beta, 3)  # registered since the fold: the live tail
    park_client.force_login(park_admin)
    page = park_client.get("/")
    reg = page.context["figures"]["registrations"]
    assert reg["total"] == 8 and reg["this_month"] == 8
    assert reg["counts"][-1] == 8 and sum(reg["counts"]) == 8
    assert 'data-kpi="registrations-total">8<' in page.content.decode()
    # folding again changes nothing the page shows
    frozen_clock.shift(dt.timedelta(minutes=20))
    services.registration_summary_refresh()
    services.registration_summary_refresh()
    again = park_client.get("/").context["figures"]["registrations"]
    assert again["total"] == 8 and again["counts"] == reg["counts"]


def test_recount_corrects_a_missed_registration(frozen_clock, alpha, make_identifiers):
    from apps.workbench import selectors, services
    from apps.workbench.models import RegistrationDay

    made = make_identifiers(alpha, 4)
    frozen_clock.shift(dt.timedelta(minutes=20))
    services.registration_summary_refresh()
    RegistrationDay.objects.update(count=1)  # as if a fold had missed three
    assert selectors.registrations()["total"] == 1
    services.registration_day_recount(day=made[0].created_at.astimezone(FROZEN_NOW.tzinfo).date())
    assert selectors.registrations()["total"] == 4


def test_resolution_figures(frozen_clock, park_client, park_admin, alpha, beta):
    from apps.resolution import counters
    from apps.resolution.models import ResolutionStat

    now = FROZEN_NOW.astimezone(dt.UTC).replace(minute=0)
    fast = [0] * (len(counters.LATENCY_BUCKETS_MS) + 1)
    fast[2] = 90  # ≤ 1 ms
    slow = [0] * (len(counters.LATENCY_BUCKETS_MS) + 1)
    slow[10] = 10  # ≤ 15 ms
    ResolutionStat.objects.create(
        hour=now, prefix="88.101.alpha", enterprise=alpha, count=90, not_found=9, latency_buckets=fast
    )
    ResolutionStat.objects.create(
        hour=now - dt.timedelta(hours=3),
        prefix="88.101.beta",
        enterprise=beta,
        count=10,
        not_found=1,
        latency_buckets=slow,
    )
    # outside the 24-hour window
    ResolutionStat.objects.create(
        hour=now - dt.timedelta(hours=30), prefix="88.101.beta", enterprise=beta, count=500
    )
    park_client.force_login(park_admin)
    res = park_client.get("/").context["figures"]["resolutions"]
    assert res["total"] == 100 and res["not_found"] == 10 and res["not_found_percent"] == 10.0
    assert res["p50_ms"] == 1 and res["p99_ms"] == 15
    assert res["top_prefixes"] == [("88.101.alpha", 90), ("88.101.beta", 10)]
    assert res["counts"][-1] == 90 and res["counts"][-4] == 10 and len(res["counts"]) == 24


def test_enterprise_workbench(
    frozen_clock, tenant_client, admin_a, member_a, alpha, beta, make_identifiers, mfg
):
    from apps.billing.choices import BillStatus
    from apps.billing.models import Bill
    from apps.imports.choices import ImportState
    from apps.imports.models import ImportJob
    from apps.metadata.choices import ChangeRequestStatus
    from apps.metadata.models import TemplateChangeRequest
    from apps.resolution.models import ResolutionStat

    made = make_identifiers(alpha, 6)
    make_identifiers(beta, 2)  # another tenant's: not counted
    expiring = expiring_credentials(made[:2], days=(10, 60))  # one within the 30-day warning
    TemplateChangeRequest.objects.create(
        template=mfg.template,
        enterprise=alpha,
        proposed_item={},
        reason="r",
        status=ChangeRequestStatus.REJECTED,
    )
    TemplateChangeRequest.objects.create(
        template=mfg.template,
        enterprise=beta,
        proposed_item={},
        reason="r",
        status=ChangeRequestStatus.REJECTED,
    )
    Bill.objects.create(
        number="WB-A",
        enterprise=alpha,
        period=dt.date(2026, 2, 1),
        status=BillStatus.ISSUED,
        total=Decimal("9.00"),
    )
    hour = FROZEN_NOW.astimezone(dt.UTC).replace(minute=0)
    ResolutionStat.objects.create(hour=hour, prefix="88.101.alpha", enterprise=alpha, count=7)
    ResolutionStat.objects.create(
        hour=hour - dt.timedelta(days=10), prefix="88.101.alpha", enterprise=alpha, count=30
    )
    ResolutionStat.objects.create(hour=hour, prefix="88.101.beta", enterprise=beta, count=1000)
    client = tenant_client(alpha)
    from django_tenants.utils import tenant_context

    with tenant_context(alpha):
        ImportJob.objects.create(
            enterprise=alpha,
            template_version=mfg,
            original_name="ready.xlsx",
            file_format="xlsx",
            file="imports/ready.xlsx",
            state=ImportState.VALIDATED,
        )
        ImportJob.objects.create(
            enterprise=alpha,
            template_version=mfg,
            original_name="running.xlsx",
            file_format="xlsx",
            file="imports/running.xlsx",
            state=ImportState.VALIDATING,
        )

    client.force_login(admin_a)
    page = client.get("/")
    html = page.content.decode()
    todo = todo_of(html)
    assert {key: count for key, (count, _url) in todo.items()} == {
        "change_requests_rejected": 1,
        "imports_validated": 1,
        "credentials_expiring": 1,
        "bills_due": 1,
    }
    figures = page.context["figures"]
    assert figures["registrations"]["total"] == 6 and figures["registrations"]["this_month"] == 6
    assert figures["registrations"]["by_template"] == [(mfg.template.name, 6)]
    assert figures["resolutions"]["total"] == 7 and figures["resolutions_30d"] == 37
    assert [job["name"] for job in figures["imports"]] == ["running.xlsx"]
    assert 'role="progressbar"' in html and 'data-figure="prefix"' in html
    assert figures["members"]["total"] == 2 and figures["members"]["admins"] == 1
    listed = client.get(todo["imports_validated"][1]).content.decode()
    assert "ready.xlsx" in listed and "running.xlsx" not in listed
    listed = client.get(todo["credentials_expiring"][1]).content.decode()
    alerts = listed.split('<section class="card" id="alerts"')[1].split("</section>")[0]
    assert expiring[0].handle in alerts and expiring[1].handle not in alerts
    assert 'data-alert="expiring"' in alerts and 'data-alert="offline"' not in alerts
    listed = client.get(todo["change_requests_rejected"][1])
    assert [cr.enterprise_id for cr in listed.context["requests"]] == [alpha.pk]

    # A member (not admin, not finance) is not shown the bills.
    client.force_login(member_a)
    assert list(todo_of(client.get("/").content.decode())) == [
        "change_requests_rejected",
        "imports_validated",
        "credentials_expiring",
    ]


def test_workbench_api(
    frozen_clock, park_client, park_admin, tenant_client, admin_a, alpha, make_identifiers
):
    make_identifiers(alpha, 2)
    park_client.force_login(park_admin)
    body = park_client.get("/api/v1/workbench/park/").json()
    assert body["figures"]["registrations"]["total"] == 2
    assert [row["key"] for row in body["todo"]] == PARK_TODO["park_admin"]
    client = tenant_client(alpha)
    client.force_login(admin_a)
    body = client.get("/api/v1/workbench/enterprise/").json()
    assert body["figures"]["registrations"]["by_template"][0]["count"] == 2
    # an enterprise user is refused the park's figures
    park_client.force_login(admin_a)
    assert park_client.get("/api/v1/workbench/park/").status_code == 403
