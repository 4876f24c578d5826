"""Evidence pages: recording in the form, the list with inclusion state, the detail's receipt and
certificate, the public evidence-code page and its check-a-file form (hashed, never stored), the
park's page; the report section."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.evidence import services
from apps.evidence.models import EvidenceContent, LogEntry

pytestmark = pytest.mark.django_db


def test_record_in_the_form_then_list_detail_and_receipt(tenant_client, enterprise_a, admin_a, subject_a):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    form = client.get("/evidence/record/")
    assert form.status_code == 200 and "碳资产" in form.content.decode()
    upload = SimpleUploadedFile("合同.pdf", b"contract body", content_type="application/pdf")
    response = client.post(
        "/evidence/record/",
        {"subject": subject_a.handle, "evidence_type": "contract", "file": upload, "title": "采购合同"},
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert entry.code in page and entry.digest in page and "<svg" in page
    listed = client.get("/evidence/").content.decode()
    assert entry.code in listed and "待签名树头" in listed
    receipt = client.get(f"/evidence/{entry.index}/receipt.json")
    assert receipt.status_code == 200 and receipt.json()["evidence_code"] == entry.code
    assert "已收录" in client.get("/evidence/").content.decode()  # the receipt made a head on demand
    # a refused form says why and records nothing
    bad = client.post("/evidence/record/", {"subject": subject_a.handle, "evidence_type": "contract"})
    assert bad.status_code == 200 and "请上传一个文件或填写一条 JSON 记录" in bad.content.decode()
    assert LogEntry.objects.count() == 1


def test_bulk_form_is_all_or_nothing(tenant_client, enterprise_a, admin_a, subject_a):
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    files = [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"")]
    response = client.post(
        "/evidence/bulk/", {"subject": subject_a.handle, "evidence_type": "other", "files": files}
    )
    assert response.status_code == 200 and "第 2 行 file: 文件为空" in response.content.decode()
    assert not LogEntry.objects.exists()
    ok = client.post(
        "/evidence/bulk/",
        {
            "subject": subject_a.handle,
            "evidence_type": "other",
            "files": [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")],
        },
    )
    assert ok.status_code == 302 and LogEntry.objects.count() == 2


def test_public_page_checks_a_file_without_keeping_it(park_client, enterprise_a, admin_a, subject_a):
    rec = services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=services.EvidenceInput(
            subject=subject_a.handle, evidence_type="quality", data=b"original report", filename="r.txt"
        ),
    )
    page = park_client.get(f"/evidence/c/{rec.code}")
    assert page.status_code == 200 and rec.digest in page.content.decode()
    same = park_client.post(
        f"/evidence/c/{rec.code}", {"file": SimpleUploadedFile("x.txt", b"original report")}
    ).content.decode()
    assert "一致：该文件就是存证时的原文件" in same
    other = park_client.post(
        f"/evidence/c/{rec.code}?lang=en", {"file": SimpleUploadedFile("x.txt", b"forged report")}
    ).content.decode()
    assert "No match" in other
    from django.db import connection

    from apps.enterprise_data.services import restricted_context

    with restricted_context(enterprise_a):
        assert list(EvidenceContent.objects.values_list("data", flat=True)) == [
            b"original report"
        ]  # nothing else kept
    connection.set_schema_to_public()
    assert park_client.get("/evidence/c/88.101.ALPHA/NOPE").status_code == 404


def test_park_page_and_report_section(
    park_client, park_admin, enterprise_a, admin_a, subject_a, frozen_clock
):
    services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=services.EvidenceInput(subject=subject_a.handle, evidence_type="carbon", record={"t": 1}),
    )
    services.sth_make()
    park_client.force_login(park_admin)
    page = park_client.get("/evidence/").content.decode()
    assert 'data-testid="log-size">1<' in page and 'data-testid="sth-size">1<' in page
    from apps.evidence.selectors import report_figures
    from apps.reports.selectors import Scope

    today = frozen_clock.time().date() if hasattr(frozen_clock, "time") else None
    import datetime as dt

    from tests.conftest import FROZEN_NOW

    figures = report_figures(Scope(start=FROZEN_NOW.date().replace(day=1), end=FROZEN_NOW.date()))
    assert figures["total"] == 1 and figures["by_type"] == [{"type": "碳资产", "count": 1}]
    earlier = report_figures(Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    assert earlier["total"] == 0
    del today


def test_certificate_pdf(tenant_client, enterprise_a, admin_a, subject_a):
    from apps.core import pdf

    if pdf.font_path() is None:
        pytest.skip("no CJK font on this machine (fonts-noto-cjk): PDFs are refused")
    rec = services.evidence_record(
        actor=admin_a,
        enterprise=enterprise_a,
        item=services.EvidenceInput(subject=subject_a.handle, evidence_type="carbon", record={"t": 1}),
    )
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    response = client.get(f"/evidence/{rec.leaf_index}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from tests.reports import pdfcheck

    text = pdfcheck.text(response.content)
    assert rec.code in text and rec.digest[:16] in text.replace("\n", "")
