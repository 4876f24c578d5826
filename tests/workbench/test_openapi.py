"""/api/v1/workbench/ does what its OpenAPI schema says (schemathesis via tests/openapi.py): on the
park domain with a park administrator's token and on alpha's domain with its administrator's."""

from __future__ import annotations

import pytest
import schemathesis
from rest_framework.authtoken.models import Token

from tests import factories
from tests.openapi import assert_conforms

pytestmark = pytest.mark.django_db(transaction=True)

API = "^/api/v1/workbench/"


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {"auth": {"openapi": {"tokenAuth": {"api_key": token}}}, "generation": {"allow-x00": False}}
    )


@pytest.mark.parametrize("domain", ["park", "enterprise"])
def test_every_workbench_operation_conforms_to_the_schema(
    frozen_clock, live_server, park, enterprise_a, domain
):
    if domain == "park":
        user, host = factories.user("openapi_park_admin", park_role="park_admin"), "park.localhost"
    else:
        user = factories.member("openapi_admin_a", enterprise_a, role="enterprise_admin")
        host = factories.domain_of(enterprise_a)
    token = f"Token {Token.objects.create(user=user).key}"
    assert_conforms(
        live_server=live_server, host=host, token=token, api=API, known_ids={}, config=_config(token)
    )
