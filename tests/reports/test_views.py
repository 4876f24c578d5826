"""Who may list, request and download reports, and how a bad request is answered."""

import pytest

from apps.reports.models import Report

pytestmark = pytest.mark.django_db


def test_park_admin_sees_the_request_form_and_menu_entry(park_client, park_admin):
    park_client.force_login(park_admin)
    page = park_client.get("/reports/").content.decode()
    assert 'name="kind"' in page and 'name="period_start"' in page
    assert 'href="/reports/"' in page


def test_end_before_start_is_refused_with_a_field_error(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.post(
        "/reports/", {"kind": "park_evaluation", "period_start": "2026-11-30", "period_end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Report.objects.exists()


def test_enterprise_report_needs_an_enterprise(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.post(
        "/reports/", {"kind": "enterprise", "period_start": "2026-11-01", "period_end": "2026-11-30"}
    )
    assert "请选择企业" in response.content.decode()
    assert not Report.objects.exists()


def test_auditor_reads_but_does_not_request(park_client, park_auditor):
    park_client.force_login(park_auditor)
    assert park_client.get("/reports/").status_code == 200
    assert 'name="period_start"' not in park_client.get("/reports/").content.decode()
    response = park_client.post(
        "/reports/", {"kind": "park_evaluation", "period_start": "2026-11-01", "period_end": "2026-11-30"}
    )
    assert response.status_code == 403


def test_enterprise_pages_are_for_its_admins(tenant_client, enterprise_a, admin_a, member_a, park_client):
    client = tenant_client(enterprise_a)
    client.force_login(member_a)
    assert client.get("/reports/").status_code == 403
    client.force_login(admin_a)
    page = client.get("/reports/").content.decode()
    assert 'name="period_start"' in page and 'name="kind"' not in page
    park_client.force_login(admin_a)
    assert park_client.get("/reports/").status_code == 403


def test_anonymous_is_sent_to_login(park_client):
    response = park_client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
