from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix


@pytest.fixture
def seeds(db):
    from apps.metadata.demo import ensure_seed_templates

    return ensure_seed_templates()


@pytest.fixture
def road_version(seeds):
    from apps.metadata.selectors import template_current_version

    return template_current_version(seeds["PARK-ROAD"])


@pytest.fixture
def lighting_version(seeds):
    from apps.metadata.selectors import template_current_version

    return template_current_version(seeds["PARK-LIGHTING"])


@pytest.fixture
def operator(park):
    """The park operator (public tenant): park facilities are registered under its prefix."""
    from apps.tenants.models import Enterprise

    op = Enterprise.objects.get(schema_name="public")
    Prefix.objects.get_or_create(
        prefix=f"88.101.{op.code}", defaults={"enterprise": op, "status": PrefixStatus.ACTIVE}
    )
    return op


@pytest.fixture
def alpha(enterprise_a):
    Prefix.objects.get_or_create(
        prefix="88.101.ALPHA", defaults={"enterprise": enterprise_a, "status": PrefixStatus.ACTIVE}
    )
    return enterprise_a


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def _default_language():
    """A test that works in English must not leave the next one in English."""
    from django.utils import translation

    yield
    translation.activate("zh-hans")
