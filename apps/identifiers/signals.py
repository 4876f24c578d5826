"""What the registry tells the apps built on it (sync, resolution), so it never imports them.

Receivers are connected in those apps' ``AppConfig.ready()``. The two ``*_written`` signals are
sent inside the registering transaction, so what a receiver writes (sync's outbox row) commits or
rolls back with the identifiers; ``handles_changed`` is sent after commit.
"""

from django.dispatch import Signal

# One identifier created, updated or deleted (inside its transaction).
# kwargs: operation ("create" | "update" | "delete"), identifier, payload (public values only).
identifier_written = Signal()

# A bulk import's writes (inside its transaction). kwargs: entries, an iterable of
# (operation, handle, identifier id, payload) that may be a generator, read once by one receiver.
identifiers_written = Signal()

# After commit: these handles' registry rows changed (new handles too, so a cached "not found"
# does not outlive the registration). kwargs: handles (list[str]).
handles_changed = Signal()
