from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parents[2]


def ensure_prefix(enterprise):
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix

    Prefix.objects.get_or_create(
        prefix=f"88.101.{enterprise.code.upper()}",
        defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE},
    )


def register_subject(enterprise, name: str = "1号锅炉"):
    """An identifier object of ``enterprise`` (national core template) to link evidence to."""
    from apps.identifiers.services import identifier_register
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version

    ensure_prefix(enterprise)
    version = template_current_version(ensure_seed_templates()["CN-CORE"])
    return identifier_register(
        actor=None, enterprise=enterprise, template_version=version, values={"name": name}
    )


@pytest.fixture
def subject_a(enterprise_a):
    return register_subject(enterprise_a)


@pytest.fixture
def subject_b(enterprise_b):
    return register_subject(enterprise_b, "乙方设备")


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture(autouse=True)
def _evidence_content_goes_with_the_flush(request):
    """A transactional test's flush empties the public tables (the registry's sequences start
    again) but not the enterprises' schemas: their evidence content goes too, or the next test's
    evidence codes would meet the last test's in the tenant table."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        for schema in ("ent_alpha", "ent_beta"):
            cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".evidence_evidencecontent'])
            if cursor.fetchone()[0]:
                cursor.execute(f'DELETE FROM "{schema}".evidence_evidencecontent')
