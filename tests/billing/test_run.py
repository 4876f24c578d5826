"""The monthly run: exact line items from the registry, the resolution stats and the price list;
reruns regenerate drafts and never create a second bill; issued bills never change."""

from decimal import Decimal

import pytest

from apps.billing import services
from apps.billing.choices import BillStatus
from apps.billing.models import Bill, BillingRun, ManualCharge
from apps.core.errors import ApplicationError
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def february(frozen_clock, park_finance, enterprise_a, enterprise_b):
    """Alpha's February: 12,500 registrations, 75,005 resolutions (plus some just outside the
    month), its prefix's anniversary, the standard plan and an on-site survey."""
    builders.price_list(park_finance)
    builders.assign(enterprise_a, builders.plan())
    builders.prefix(enterprise_a, allocated=local(2025, 2, 10, 9))
    builders.registrations(enterprise_a, 12500, at=local(2026, 2, 10, 12))
    builders.registrations(enterprise_a, 7, at=local(2026, 3, 1, 0, 0), start=20000)  # March
    builders.resolutions(enterprise_a, 60000, hour=local(2026, 2, 1, 0))  # the month's first hour
    builders.resolutions(enterprise_a, 15005, hour=local(2026, 2, 28, 23))
    builders.resolutions(enterprise_a, 999, hour=local(2026, 1, 31, 23))  # January
    builders.resolutions(enterprise_a, 888, hour=local(2026, 3, 1, 0))  # March
    services.manual_charge_add(
        actor=park_finance,
        enterprise=enterprise_a,
        period=FEBRUARY,
        description="现场勘查",
        reason="企业申请",
        unit_price="800",
    )
    return enterprise_a


def _run(actor, period=FEBRUARY) -> dict:
    run = services.billing_run_start(actor=actor, period=period)
    return services.billing_run_execute(run_id=run.pk)


def _lines(bill):
    return [
        (line.kind, line.quantity, line.free_allowance, line.billable_quantity, line.unit_price, line.amount)
        for line in bill.lines.order_by("position")
        if line.kind != "storage"
    ]


def test_a_run_computes_exact_line_items(february, park_finance, enterprise_b):
    result = _run(park_finance)
    assert result["created"] == 2 and result["regenerated"] == 0
    bill = Bill.objects.get(enterprise=february, period=FEBRUARY)
    D = Decimal
    assert _lines(bill) == [
        ("plan_fee", D(1), D(0), D(1), D("199"), D("199.00")),
        ("prefix_annual", D(1), D(0), D(1), D("1000"), D("1000.00")),
        # tiers over the month's total: the first 10,000 at ¥0, the next 2,500 at ¥20 per 1,000
        ("registration", D(12500), D(0), D(10000), D(0), D("0.00")),
        ("registration", D(12500), D(0), D(2500), D(20), D("50.00")),
        # the plan's 50,000 free resolutions replace the price list's 100,000; ¥5 per 10,000
        ("resolution", D(75005), D(50000), D(25005), D(5), D("12.50")),
        ("manual", D(1), D(0), D(1), D(800), D("800.00")),
    ]
    storage = bill.lines.get(kind="storage")  # the schema's few kilobytes, within 1 GB free
    assert storage.amount == 0 and storage.free_allowance == 1
    assert not bill.lines.filter(kind="terminal").exists()  # no terminal usage: bills nothing
    assert bill.subtotal == D("2061.50")
    assert bill.vat_rate == D("6.00") and bill.vat_amount == D("123.69")
    assert bill.total == D("2185.19")
    assert bill.total_in_words == "贰仟壹佰捌拾伍元壹角玖分"
    assert bill.number == "ZD202602-ALPHA" and bill.status == BillStatus.DRAFT
    assert bill.usage["registrations"] == 12500 and bill.usage["resolutions"] == 75005
    beta = Bill.objects.get(enterprise=enterprise_b, period=FEBRUARY)
    assert beta.subtotal == 0 and beta.total_in_words == "零元整"
    assert BillingRun.objects.get().bills_created == 2


def test_a_rerun_regenerates_drafts_and_never_creates_a_second_bill(february, park_finance):
    _run(park_finance)
    bill = Bill.objects.get(enterprise=february, period=FEBRUARY)
    first = _lines(bill)
    # counters flushed after the first run reach the draft when it is regenerated
    builders.resolutions(february, 10000, hour=local(2026, 2, 15, 10))
    result = _run(park_finance)
    assert result["created"] == 0 and result["regenerated"] == 2
    assert Bill.objects.filter(enterprise=february, kind="bill").count() == 1
    again = Bill.objects.get(pk=bill.pk)
    assert _lines(again)[:4] == first[:4]
    assert again.lines.get(kind="resolution").billable_quantity == 35005
    assert again.total != bill.total


def test_an_issued_bill_never_changes(february, park_finance):
    _run(park_finance)
    bill = services.bill_issue(
        actor=park_finance, bill=Bill.objects.get(enterprise=february, period=FEBRUARY)
    )
    assert bill.status == BillStatus.ISSUED and str(bill.due_date) == "2026-04-02"  # 15 days' terms
    builders.resolutions(february, 10000, hour=local(2026, 2, 15, 10))
    result = _run(park_finance)
    assert result["kept"] == 1
    kept = Bill.objects.get(pk=bill.pk)
    assert kept.total == bill.total and kept.updated_at == bill.updated_at
    with pytest.raises(ApplicationError):
        services.bill_issue(actor=park_finance, bill=kept)
    with pytest.raises(ApplicationError):
        services.bill_regenerate(actor=park_finance, bill=kept)
    with pytest.raises(ApplicationError) as caught:
        services.manual_charge_add(
            actor=park_finance,
            enterprise=february,
            period=FEBRUARY,
            description="培训",
            reason="补录",
            unit_price="1",
        )
    assert caught.value.errors.keys() == {"period"}
    assert ManualCharge.objects.count() == 1


def test_a_month_that_has_not_ended_cannot_be_billed(frozen_clock, park_finance):
    with pytest.raises(ApplicationError) as caught:
        services.billing_run_start(actor=park_finance, period=builders.FEBRUARY.replace(month=3))
    assert caught.value.errors.keys() == {"period"}
    assert not BillingRun.objects.exists()


def test_plan_changes_take_effect_from_the_next_period(frozen_clock, park_finance, enterprise_a):
    plan = builders.plan()
    with pytest.raises(ApplicationError) as caught:
        services.plan_assign(actor=park_finance, enterprise=enterprise_a, plan=plan, effective_from=FEBRUARY)
    assert caught.value.errors.keys() == {"effective_from"}
    assignment = services.plan_assign(actor=park_finance, enterprise=enterprise_a, plan=plan)
    assert str(assignment.effective_from) == "2026-04-01"
    from apps.audit.models import AuditEntry
    from apps.billing.selectors import plan_for

    assert AuditEntry.objects.filter(action="billing.plan_assign").exists()
    assert plan_for(enterprise_a) is None  # still March
    assert plan_for(enterprise_a, assignment.effective_from) == plan


def test_beat_bills_the_previous_month_on_the_first_and_checks_overdue_daily(frozen_clock, park_finance):
    from apps.billing.tasks import billing_monthly_task, billing_overdue_task
    from apps.tasks.models import TaskRun
    from park_portal.celery import _collect_beat_schedule

    schedule = _collect_beat_schedule()
    assert schedule["billing-monthly-run"]["task"] == "billing.monthly"
    assert schedule["billing-monthly-run"]["schedule"].day_of_month == {1}
    assert schedule["billing-overdue-policy"]["task"] == "billing.overdue_policy"
    result = billing_monthly_task()
    run = BillingRun.objects.get(pk=result["billing_run"])
    assert run.period == FEBRUARY and run.started_by is None
    assert TaskRun.objects.get(pk=run.task_run_id).task_name == "billing.run"
    assert billing_overdue_task() == {"reminded_before": 0, "reminded_after": 0, "suspended": 0, "lifted": 0}


def test_usage_is_read_in_a_fixed_number_of_queries(february, enterprise_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.billing.usage import usage_for_period

    with CaptureQueriesContext(connection) as captured:
        usage = usage_for_period(FEBRUARY)
    # registry, stats, prefixes, schemas, storage (2), whatever the number of enterprises
    # (django-tenants' SET search_path before each cursor is not a query of ours)
    assert len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]) == 6
    assert usage[february.pk].registrations == 12500 and usage[february.pk].resolutions == 75005
    assert usage[february.pk].prefix_anniversaries == 1
    assert usage[february.pk].storage_bytes > 0 and usage[enterprise_b.pk].storage_bytes > 0
    assert usage[enterprise_b.pk].registrations == 0


def test_a_run_that_fails_half_way_leaves_whole_bills_and_the_rerun_completes_it(
    frozen_clock, park_finance, enterprise_a, enterprise_b
):
    """Each enterprise's bill is one transaction: a fault on beta's bill (an amount too large for
    its column) rolls back only beta's, alpha's stays whole; the rerun completes the month."""
    builders.price_list(park_finance)
    builders.resolutions(enterprise_a, 300000, hour=local(2026, 2, 3, 10))
    # a charge the service would refuse, as if it got in another way (the admin, a restore)
    charge = ManualCharge.objects.create(
        enterprise=enterprise_b,
        period=FEBRUARY,
        description="录入错误",
        reason="测试",
        unit_price=Decimal("9999999999"),
        quantity=Decimal("1000000"),
    )
    with pytest.raises(ApplicationError) as caught:
        services.manual_charge_add(
            actor=park_finance,
            enterprise=enterprise_b,
            period=FEBRUARY,
            description="录入错误",
            reason="测试",
            unit_price="9999999999",
            quantity="1000000",
        )
    assert caught.value.errors.keys() == {"unit_price"}
    run = services.billing_run_start(actor=park_finance, period=FEBRUARY)
    with pytest.raises(Exception):  # noqa: B017 - whatever the database says about the overflow
        services.billing_run_execute(run_id=run.pk)
    assert BillingRun.objects.get(pk=run.pk).state == "failed"
    alpha = Bill.objects.get(enterprise=enterprise_a, period=FEBRUARY)
    assert alpha.total == Decimal("106.00") and alpha.lines.count() == 2
    assert not Bill.objects.filter(enterprise=enterprise_b).exists()
    services.manual_charge_delete(actor=park_finance, charge=charge)
    result = _run(park_finance)
    assert (result["created"], result["regenerated"]) == (1, 1)
    assert Bill.objects.filter(period=FEBRUARY).count() == 2
