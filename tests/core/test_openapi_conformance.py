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

import re
from collections import Counter

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "alpha.park.localhost"
# The APIs whose data this module builds; another app's API joins with its data and host.
API = "^/api/v1/(identifiers|metadata)/"
EXAMPLES = 25  # per operation and generation mode

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)


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


def _strategy(operation, mode, known_ids: dict[str, list[int]]):
    strategy = operation.as_strategy(generation_mode=mode)
    ids = next((ids for prefix, ids in known_ids.items() if operation.path.startswith(prefix)), None)
    if "{id}" not in operation.path or not ids:
        return strategy
    existing = st.sampled_from(ids).flatmap(
        lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
    )
    return st.one_of(strategy, existing)


def _fuzz(operation, mode, *, known_ids, base_url: str, session, cases: Counter, failures: dict) -> None:
    @SETTINGS
    @hypothesis.given(case=_strategy(operation, mode, known_ids))
    def run(case):
        cases[operation.label] += 1
        try:
            case.call_and_validate(base_url=base_url, session=session, headers={"Host": HOST})
        except* AssertionError as group:  # schemathesis's failed checks, one per check
            for failure in group.exceptions:
                title = getattr(failure, "title", type(failure).__name__)
                failures.setdefault((operation.label, title), str(group))

    run()


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
    published = requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Host": HOST, "Authorization": token},
        timeout=30,
    ).json()
    schema = schemathesis.openapi.from_dict(published, config=_config(token))

    cases: Counter[str] = Counter()
    failures: dict[tuple[str, str], str] = {}  # (operation, check) → the first report
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not re.match(API, operation.path):
                continue
            definition = published["paths"][operation.path][operation.method]
            modes = [schemathesis.GenerationMode.POSITIVE]
            if definition.get("parameters") or definition.get("requestBody"):
                modes.append(schemathesis.GenerationMode.NEGATIVE)  # something to make invalid
            for mode in modes:
                _fuzz(
                    operation,
                    mode,
                    known_ids=known_ids,
                    base_url=live_server.url,
                    session=session,
                    cases=cases,
                    failures=failures,
                )

    print(f"\nschemathesis: {sum(cases.values())} cases, {len(failures)} unique failures; {dict(cases)}")
    documented = {
        f"{method.upper()} {path}"
        for path, ops in published["paths"].items()
        if re.match(API, path)
        for method in ops
    }
    assert set(cases) == documented
    assert not failures, "\n\n".join(f"{op}: {title}\n{report}" for (op, title), report in failures.items())
