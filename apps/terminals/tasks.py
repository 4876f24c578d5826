from celery import shared_task
from django.utils import timezone

from apps.terminals import services
from apps.terminals.models import TerminalToken


@shared_task(name="terminals.flush_auth_counts", ignore_result=True)
def flush_auth_counts() -> int:
    """Beat: hourly authentication counters, Redis → AuthCount (idempotent)."""
    return services.auth_counts_flush()


@shared_task(name="terminals.retire_expired_grace", ignore_result=True)
def retire_expired_grace() -> int:
    """Beat: rotated-out credentials past their grace → superseded and off the record."""
    return services.credentials_retire_expired_grace()


@shared_task(name="terminals.drop_expired_tokens", ignore_result=True)
def drop_expired_tokens() -> int:
    """Beat: expired device tokens are refused anyway; this keeps the table small."""
    deleted, _by_model = TerminalToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
