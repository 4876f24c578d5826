from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE = {
    "evidence-sth": {"task": "evidence.sth_make", "schedule": 60.0 * max(1, settings.EVIDENCE_STH_MINUTES)},
    "evidence-witness-poll": {"task": "evidence.witness_poll", "schedule": 60.0},
    "evidence-verify": {"task": "evidence.verify", "schedule": crontab(hour="2", minute="40")},
}
