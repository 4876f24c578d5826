from celery import shared_task

from apps.reports import services
from apps.tasks.base import TrackedTask


@shared_task(base=TrackedTask, bind=True)
def report_generate_task(self, report_id: int) -> dict:
    try:
        report = services.report_generate(report_id=report_id, progress=self.progress)
    except Exception as exc:
        services.report_mark_failed(report_id=report_id, error=str(exc) or exc.__class__.__name__)
        raise
    return {"report_id": report.pk, "pages": report.pages, "file": report.file.name}


@shared_task(base=TrackedTask, bind=True, name="reports.monthly_filing")
def monthly_filing_task(self) -> dict:
    """Beat, on the 1st: last month's filing (JSON + PDF), ready for the sync app to submit."""
    report = services.monthly_filing_prepare()
    return {"report_id": report.pk, "period": f"{report.period_start:%Y-%m}"}


@shared_task(base=TrackedTask, bind=True, name="reports.audit_chain_verify")
def audit_chain_verify_task(self) -> dict:
    """Beat, nightly: the whole audit chain, so tampering before the reports' checkpoint is caught."""
    return services.audit_chain_verify_full()
