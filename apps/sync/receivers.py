"""The registry's writes reach the outbox through its signals (connected in SyncConfig.ready()).
They are sent inside the registering transaction, so the outbox row commits with the identifier."""

from django.dispatch import receiver

from apps.identifiers.signals import identifier_written, identifiers_written
from apps.sync.outbox import outbox_record, outbox_record_many


@receiver(identifier_written, dispatch_uid="sync.outbox_record")
def _identifier_written(sender, operation, identifier, payload, **kwargs):
    outbox_record(operation=operation, handle=identifier.handle, identifier=identifier, payload=payload)


@receiver(identifiers_written, dispatch_uid="sync.outbox_record_many")
def _identifiers_written(sender, entries, **kwargs):
    outbox_record_many(entries)
