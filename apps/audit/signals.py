"""What the audit log tells the apps built on it (webhooks), so it never imports them.

``entries_appended`` is sent by audit_write and audit_write_many inside the writing transaction,
after the entries are inserted and while the chain lock is held: the entries of the call are
exactly those with ``after_id < id <= last_id``, and what a receiver writes (an outbox row)
commits or rolls back with them. kwargs: after_id, last_id.
"""

from django.dispatch import Signal

entries_appended = Signal()
