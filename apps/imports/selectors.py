"""Reads for the import pages."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django_tenants.utils import get_public_schema_name

from apps.imports.models import ImportJob
from apps.metadata.choices import PARK_PUBLIC_CATEGORIES, VersionStatus
from apps.metadata.models import MetadataTemplate
from apps.tenants.models import Enterprise


def acting_enterprise() -> Enterprise | None:
    """Whose objects an import on this domain registers: the enterprise of the tenant domain,
    or on the park domain the park operator (the public tenant)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and tenant.schema_name != get_public_schema_name():
        return tenant
    return Enterprise.objects.filter(schema_name=get_public_schema_name()).first()


def importable_templates(*, enterprise: Enterprise, park_domain: bool) -> QuerySet[MetadataTemplate]:
    """Templates with a published version that this domain registers objects under."""
    qs = MetadataTemplate.objects.filter(versions__status=VersionStatus.PUBLISHED).distinct()
    if park_domain:
        return qs.filter(owner__isnull=True, category__in=PARK_PUBLIC_CATEGORIES).order_by("level", "code")
    return qs.filter(Q(owner__isnull=True) | Q(owner=enterprise)).order_by("level", "code")


def import_job_list(*, state: str | None = None) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("template_version__template", "created_by")
    return jobs.filter(state=state) if state else jobs
