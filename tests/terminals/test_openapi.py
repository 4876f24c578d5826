"""/api/v1/terminals/ does what its OpenAPI schema says (schemathesis through tests/openapi.py):
every documented operation, with schema-valid and schema-violating requests, on alpha's domain
with alpha's administrator's token."""

from __future__ import annotations

import pytest
import schemathesis
from rest_framework.authtoken.models import Token

from apps.terminals import keys, services
from tests import factories
from tests.openapi import assert_conforms
from tests.terminals.conftest import device_values

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "alpha.park.localhost"
API = "^/api/v1/terminals/"


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    # Writes check what a schema cannot say (a parseable key, the template's
                    # items, the credential's state): 400/403/404 are documented refusals.
                    "include-path-regex": API,
                    "include-method": ["POST"],
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]}
                    },
                }
            ],
        }
    )


def test_every_terminal_operation_conforms_to_the_schema(live_server, enterprise_a, terminal_version):
    admin = factories.member("openapi_terminal_admin", enterprise_a, role="enterprise_admin")
    token = f"Token {Token.objects.create(user=admin).key}"
    issued = services.terminal_enrol(
        actor=admin,
        enterprise=enterprise_a,
        template_version=terminal_version,
        values=device_values(1),
        public_key=keys.public_key_of(keys.generate_private_key("p256")).pem,
    )
    known_ids = {
        "/api/v1/terminals/terminals/": [issued.credential.terminal_id],
        "/api/v1/terminals/credentials/": [issued.credential.pk],
    }
    assert_conforms(
        live_server=live_server, host=HOST, token=token, api=API, known_ids=known_ids, config=_config(token)
    )
