"""The native REST API (/api/v1/) does what its OpenAPI schema says.

schemathesis reads the schema the live test server publishes and, for every documented
operation, generates schema-valid and schema-violating requests (its Hypothesis strategies,
``operation.as_strategy``) that go to that server on an enterprise domain with a real token of
the enterprise's administrator. Every failed check fails the test: a server error, a status
code or content type the schema does not document, a response body the schema does not
describe, schema-valid data refused or schema-violating data accepted.

Deterministic: Hypothesis is derandomized (no seed, no example database, no deadline), the
clock is frozen and the data is built here. Half of the generated path ids are replaced by ids
of objects that exist, so detail operations answer more than 404.
"""

from __future__ import annotations

import pytest
import schemathesis
from rest_framework.authtoken.models import Token

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix
from tests import factories
from tests.openapi import assert_conforms

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "alpha.park.localhost"
# The APIs whose data this module builds; another app's API joins with its data and host.
API = "^/api/v1/(identifiers|metadata)/"


def _data(enterprise, admin) -> dict[str, list[int]]:
    """Templates (national, park, the enterprise's own) and identifiers (active, withdrawn)."""
    from apps.identifiers.services import identifier_register, identifier_withdraw
    from apps.metadata import services as metadata
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version, template_get_by_code

    templates = ensure_seed_templates()
    Prefix.objects.get_or_create(
        prefix="88.101.ALPHA", defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE}
    )
    own = metadata.enterprise_template_create(
        enterprise=enterprise, parent=template_get_by_code("PARK-ENERGY"), code="ALPHA-LAMP", name="路灯"
    )
    draft = metadata.template_version_create_draft(template=own)
    metadata.template_item_add(version=draft, name="灯杆高度", code="pole_height", item_type="number")
    metadata.template_version_publish(version=draft)
    mfg = template_current_version(templates["PARK-MFG"])
    identifiers = [
        identifier_register(
            actor=admin,
            enterprise=enterprise,
            template_version=mfg,
            values={
                "name": f"干式变压器{n}",
                "model": "SCB11-630",
                "batch_no": f"B2026{n:04d}",
                "produced_on": "2026-03-01",
                "qc_result": "合格",
                "rated_capacity": "630",
                "production_line": "总装二线",
                "process_params": "绕组温升≤100K",
            },
        )
        for n in (1, 2, 3)
    ]
    identifier_withdraw(actor=admin, identifier=identifiers[-1])
    return {
        "/api/v1/identifiers/": [ident.pk for ident in identifiers],
        "/api/v1/metadata/templates/": [templates["CN-CORE"].pk, templates["PARK-MFG"].pk, own.pk],
    }


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            # through schemathesis's auth, so that its ignored_auth check can try without it
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            # PostgreSQL text cannot hold NUL: every text input refuses it (400), as Django's fields do
            "generation": {"allow-x00": False},
            "operations": [
                {
                    # Registering and editing validate the values against the template the
                    # identifier uses: schema-valid values of the wrong template are a 400. The
                    # per-template rules are the JSON Schema of /api/v1/metadata/templates/{id}/schema/.
                    "include-path-regex": "^/api/v1/identifiers/(\\{id\\}/)?$",
                    "include-method": ["POST", "PUT", "PATCH"],
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]}
                    },
                }
            ],
        }
    )


def test_every_documented_operation_conforms_to_the_schema(frozen_clock, live_server, enterprise_a):
    admin = factories.member("openapi_admin", enterprise_a, role="enterprise_admin")
    token = f"Token {Token.objects.create(user=admin).key}"
    known_ids = _data(enterprise_a, admin)
    assert_conforms(
        live_server=live_server, host=HOST, token=token, api=API, known_ids=known_ids, config=_config(token)
    )
