"""/api/v1/billing/ does what its OpenAPI schema says (schemathesis, as tests/core/
test_openapi_conformance.py does for identifiers and metadata): every documented operation, with
schema-valid and schema-violating requests, on alpha's domain with the token of alpha's finance
member, over a month billed and issued."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import requests
import schemathesis
from rest_framework.authtoken.models import Token

from apps.billing import services
from tests import factories
from tests.billing import builders
from tests.billing.builders import FEBRUARY, local
from tests.core.test_openapi_conformance import _fuzz

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "alpha.park.localhost"  # the host _fuzz sends
API = "^/api/v1/billing/"


def _data(enterprise, other, finance) -> dict[str, list[int]]:
    park_finance = factories.user("openapi_park_finance", park_role="park_finance")
    price_list = builders.price_list(park_finance)
    builders.resolutions(enterprise, 300000, hour=local(2026, 2, 3, 10))
    bills = []
    for owner in (enterprise, other):
        draft, _outcome = services.bill_generate(enterprise=owner, period=FEBRUARY)
        bills.append(services.bill_issue(actor=park_finance, bill=draft))
    note = services.credit_note_create(
        actor=park_finance, bill=bills[0], reason="优惠", lines=[{"amount": "1"}]
    )
    payment = services.payment_record(
        actor=park_finance, enterprise=enterprise, reference="TX-OPENAPI", amount="5", received_on=FEBRUARY
    )
    request = services.invoice_request_create(
        actor=finance,
        bill=bills[0],
        invoice_type="normal",
        title="Alpha",
        taxpayer_number="91320594MA1N2K8B0J",
    )
    run = services.billing_run_start(actor=park_finance, period=FEBRUARY)
    return {
        "/api/v1/billing/bills/": [bills[0].pk, note.pk, bills[1].pk],
        "/api/v1/billing/price-lists/": [price_list.pk],
        "/api/v1/billing/payments/": [payment.pk],
        "/api/v1/billing/invoice-requests/": [request.pk],
        "/api/v1/billing/runs/": [run.pk],
    }


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    # Writes check what a schema cannot say: the bill must be this enterprise's and
                    # issued, the taxpayer number a valid credit code; park finance's writes are
                    # refused to an enterprise (403, documented).
                    "include-path-regex": "^/api/v1/billing/",
                    "include-method": ["POST"],
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]}
                    },
                }
            ],
        }
    )


def test_every_billing_operation_conforms_to_the_schema(
    frozen_clock, live_server, enterprise_a, enterprise_b
):
    finance = factories.member("openapi_finance", enterprise_a, role="enterprise_finance")
    token = f"Token {Token.objects.create(user=finance).key}"
    known_ids = _data(enterprise_a, enterprise_b, finance)
    published = requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Host": HOST, "Authorization": token},
        timeout=30,
    ).json()
    schema = schemathesis.openapi.from_dict(published, config=_config(token))
    cases: Counter[str] = Counter()
    failures: dict[tuple[str, str], str] = {}
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not re.match(API, operation.path):
                continue
            definition = published["paths"][operation.path][operation.method]
            modes = [schemathesis.GenerationMode.POSITIVE]
            if definition.get("parameters") or definition.get("requestBody"):
                modes.append(schemathesis.GenerationMode.NEGATIVE)
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
    print(f"\nschemathesis: {sum(cases.values())} cases, {len(failures)} unique failures")
    documented = {
        f"{method.upper()} {path}"
        for path, ops in published["paths"].items()
        if re.match(API, path)
        for method in ops
    }
    assert set(cases) == documented
    assert not failures, "\n\n".join(f"{op}: {title}\n{report}" for (op, title), report in failures.items())
