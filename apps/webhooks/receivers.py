"""Audit entries become webhook deliveries (connected in WebhooksConfig.ready()).

The audit log is the single source of events: every service that changes something an event
announces already writes its audit entry inside its own transaction, for the web, the API, the
SNMS API, imports and tasks alike. ``entries_appended`` is sent inside that transaction, so the
outbox rows below commit or roll back with the change (one INSERT … SELECT per audit call, also
for a 100,000-row import's one COPY)."""

from __future__ import annotations

from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone

from apps.audit.signals import entries_appended
from apps.webhooks.choices import AUDIT_ACTIONS, FIELD_NAMES_ONLY


def _actions_sql() -> tuple[str, list]:
    rows = ", ".join(["(%s, %s)"] * len(AUDIT_ACTIONS))
    params: list = []
    for action, kind in AUDIT_ACTIONS.items():
        params += [action, str(kind)]
    return rows, params


_ROWS, _ROW_PARAMS = _actions_sql()
_FIELD_NAMES_ONLY = [str(kind) for kind in FIELD_NAMES_ONLY]

# Park-operator subscriptions get every event; an enterprise's get the events of its own schema.
# The body is built here once, so every attempt of a delivery sends the same bytes.
_ENQUEUE = f"""
INSERT INTO webhooks_delivery
    (uid, subscription_id, kind, audit_entry_id, body, state, attempts, last_error, next_attempt_at, created_at)
SELECT gen_random_uuid(), s.id, m.kind, a.id,
    jsonb_build_object(
        'event', a.id,
        'kind', m.kind,
        'occurred_at', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'enterprise', CASE WHEN oe.is_park_operator THEN NULL ELSE oe.code END,
        'actor', a.actor,
        'object', jsonb_build_object('type', a.object_type, 'id', a.object_id, 'repr', a.object_repr),
        'data', CASE WHEN m.kind = ANY(%s)
            THEN jsonb_build_object('fields', COALESCE(
                (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(a.changes) AS k), '[]'::jsonb))
            ELSE a.changes END
    )::text,
    'pending', 0, '', %s, %s
FROM audit_auditentry a
JOIN (VALUES {_ROWS}) AS m(action, kind) ON m.action = a.action
LEFT JOIN tenants_enterprise oe ON oe.schema_name = a.tenant_schema
JOIN webhooks_subscription s ON s.is_active AND m.kind = ANY(s.kinds)
JOIN tenants_enterprise se ON se.id = s.enterprise_id
    AND (se.is_park_operator OR (se.schema_name = a.tenant_schema AND NOT COALESCE(oe.is_park_operator, true)))
WHERE a.id > %s AND a.id <= %s
ORDER BY a.id, s.id
"""


def _kick() -> None:
    from apps.webhooks.delivery import webhook_kick

    webhook_kick()


@receiver(entries_appended, dispatch_uid="webhooks.enqueue")
def _entries_appended(sender, after_id: int, last_id: int, **kwargs) -> None:
    with connection.cursor() as cursor:
        now = timezone.now()  # the app's clock, as every other row's timestamps
        cursor.execute(_ENQUEUE, [_FIELD_NAMES_ONLY, now, now, *_ROW_PARAMS, after_id, last_id])
        if cursor.rowcount:
            transaction.on_commit(_kick)
