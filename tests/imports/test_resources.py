"""The django-import-export resource: bulk mode through the registry's bulk service, no write
path of its own."""

from __future__ import annotations

import pytest
import tablib
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEntry
from apps.identifiers.models import Identifier
from apps.imports.resources import IdentifierResource
from apps.metadata.selectors import template_current_version
from apps.sync.models import OutboxEntry
from tests.imports.test_grades import STAFF_HEADER, STAFF_ROWS, restricted_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_version(seeds):
    return template_current_version(seeds["PARK-ENT-STAFF"])


def test_import_data_writes_through_the_bulk_service(staff_version, alpha, admin_a):
    resource = IdentifierResource(template_version=staff_version, enterprise=alpha)
    dataset = tablib.Dataset(*STAFF_ROWS, headers=STAFF_HEADER)
    with tenant_context(alpha):
        dry = resource.import_data(dataset, dry_run=True, user=admin_a)
        assert dry.totals["new"] == 2 and not Identifier.objects.exists()
        result = resource.import_data(dataset, user=admin_a)
    assert (result.totals["new"], result.has_errors(), result.has_validation_errors()) == (2, False, False)
    ident = Identifier.objects.get(object_code="E001")
    assert ident.name == "E001" and ident.registered_by == admin_a
    assert restricted_of(alpha, ident.handle)["name"] == "张三丰"
    assert AuditEntry.objects.filter(action="identifier.register", object_id=ident.pk).exists()
    assert OutboxEntry.objects.filter(handle=ident.handle).count() == 1

    with tenant_context(alpha):
        again = resource.import_data(dataset)
    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 2)


def test_invalid_rows_are_reported_and_nothing_is_written(staff_version, alpha):
    rows = [list(row) for row in STAFF_ROWS]
    rows[1][2] = rows[0][2]  # 工号 twice
    rows[1][6] = "123"
    resource = IdentifierResource(template_version=staff_version, enterprise=alpha)
    with tenant_context(alpha):
        result = resource.import_data(tablib.Dataset(*rows, headers=STAFF_HEADER))
    assert result.has_validation_errors() and result.totals["invalid"] == 1
    (invalid,) = result.invalid_rows
    assert invalid.number == 3
    assert set(invalid.field_specific_errors) == {"工号", "身份证号"}
    assert not Identifier.objects.exists()


def test_the_per_row_write_path_is_refused(staff_version, alpha):
    resource = IdentifierResource(template_version=staff_version, enterprise=alpha)
    with pytest.raises(NotImplementedError):
        resource.import_row({"对象代码": "X1"}, None)
    with pytest.raises(NotImplementedError):
        resource.save_instance(Identifier(), True, {})
