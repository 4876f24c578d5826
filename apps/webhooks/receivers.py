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


# The enterprise an event belongs to: the object's own enterprise where the object says it (an
# enterprise approved by the park, a bill, a payment: written in the park's schema), else the
# enterprise of the schema the audit entry was written in.
def _owner_sql() -> str:
    from apps.billing.models import Bill, Payment

    numeric = "a.object_id ~ '^[0-9]{1,18}$'"
    by_object = [
        f"WHEN a.object_type = 'tenants.Enterprise' AND {numeric} THEN a.object_id::bigint",
        *(
            f"WHEN a.object_type = '{label}' AND {numeric} THEN "
            f'(SELECT o.enterprise_id FROM "{model._meta.db_table}" o WHERE o.id = a.object_id::bigint)'
            for label, model in (("billing.Bill", Bill), ("billing.Payment", Payment))
        ),
    ]
    return (
        "CASE " + " ".join(by_object)
        + " ELSE (SELECT t.id FROM tenants_enterprise t WHERE t.schema_name = a.tenant_schema) END"
    )  # fmt: skip


# Park-operator subscriptions get every event; an enterprise's get the events that are its own.
# The body is built here once, so every attempt of a delivery sends the same bytes.
_ENQUEUE_TEMPLATE = """
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
JOIN (VALUES {rows}) AS m(action, kind) ON m.action = a.action
LEFT JOIN tenants_enterprise oe ON oe.id = ({owner})
JOIN webhooks_subscription s ON s.is_active AND m.kind = ANY(s.kinds)
JOIN tenants_enterprise se ON se.id = s.enterprise_id
    AND (se.is_park_operator OR (se.id = oe.id AND NOT oe.is_park_operator))
WHERE a.id > %s AND a.id <= %s
    -- a one-time check: with no active subscription nothing of the range is read
    AND EXISTS (SELECT 1 FROM webhooks_subscription WHERE is_active)
ORDER BY a.id, s.id
"""
_enqueue_sql: str | None = None


def _enqueue() -> str:
    global _enqueue_sql
    if _enqueue_sql is None:
        _enqueue_sql = _ENQUEUE_TEMPLATE.format(rows=_ROWS, owner=_owner_sql())
    return _enqueue_sql


def _kick() -> None:
    from apps.webhooks.delivery import webhook_kick

    webhook_kick()


@receiver(entries_appended, dispatch_uid="webhooks.enqueue")
def _entries_appended(sender, after_id: int, last_id: int, **kwargs) -> None:
    with connection.cursor() as cursor:
        now = timezone.now()  # the app's clock, as every other row's timestamps
        cursor.execute(_enqueue(), [_FIELD_NAMES_ONLY, now, now, *_ROW_PARAMS, after_id, last_id])
        if cursor.rowcount:
            transaction.on_commit(_kick)
