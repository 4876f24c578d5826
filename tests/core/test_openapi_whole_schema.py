"""The whole native REST API (every operation of /api/schema/) does what its schema says.

schemathesis (through tests/openapi.py) runs over EVERY operation the domain's schema documents —
reads and writes, schema-valid and schema-violating requests — on the park's domain with a park
administrator's token and then on alpha's domain with alpha's administrator's token, over
identifiers, templates and a webhook subscription of alpha's (detail operations of other apps
mostly meet ids that do not exist: a 404 is checked like any answer). The per-app tests (tests/*/test_openapi.py) fuzz their own API harder; this one keeps
an operation nobody wrote a test for from answering 500 or off-schema, in a bounded run: one
case per operation and mode, derandomized, no deadlines, the clock frozen.
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests import factories
from tests.openapi import assert_conforms, writes_config

pytestmark = pytest.mark.django_db(transaction=True)

API = "^/api/v1/"
EXAMPLES = 1  # per operation and generation mode: ~100 operations × 2 modes × 2 domains
# A schema-valid write may still be refused by a rule the schema cannot express (the object's
# state, another object's, the caller's role): one of the documented refusals.
REFUSALS = ["2xx", "400", "401", "403", "404"]


def _data(enterprise, admin) -> dict[str, list[int]]:
    from apps.webhooks.services import subscription_create, webhook_settings_update
    from tests.core.test_openapi_conformance import _data as identifier_data

    known = identifier_data(enterprise, admin)
    webhook_settings_update(actor=None, allow_internal_targets=True)
    sub = subscription_create(
        owner=enterprise, actor=admin, url="http://127.0.0.1:9/hook", kinds=["prefix.state_changed"]
    )
    webhook_settings_update(actor=None, allow_internal_targets=False)
    known["/api/v1/webhooks/subscriptions/"] = [sub.pk]
    return known


def test_every_operation_of_the_native_api_conforms_to_its_schema(
    frozen_clock, live_server, park, enterprise_a
):
    # one set of data for both domains (building it is a third of the run)
    admin_a = factories.member("whole_admin_a", enterprise_a, role="enterprise_admin")
    known_ids = _data(enterprise_a, admin_a)
    park_admin = factories.user("whole_park_admin", park_role="park_admin")
    for user, host in ((park_admin, "park.localhost"), (admin_a, factories.domain_of(enterprise_a))):
        token = f"Token {Token.objects.create(user=user).key}"
        assert_conforms(
            live_server=live_server,
            host=host,
            token=token,
            api=API,
            known_ids=known_ids,
            config=writes_config(token, API, REFUSALS),
            examples=EXAMPLES,
        )
