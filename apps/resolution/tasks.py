from celery import shared_task

from apps.resolution.services import flush_resolution_counters


@shared_task(name="resolution.flush_counters", ignore_result=True)
def flush_counters() -> int:
    """Beat task: Redis resolution counters → hourly ResolutionStat rows (cheap, every minute)."""
    return flush_resolution_counters()
