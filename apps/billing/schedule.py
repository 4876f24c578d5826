from celery.schedules import crontab

BEAT_SCHEDULE = {
    # the previous month, once its usage is flushed (resolution counters flush every minute)
    "billing-monthly-run": {
        "task": "billing.monthly",
        "schedule": crontab(day_of_month="1", hour="2", minute="0"),
    },
    "billing-overdue-policy": {"task": "billing.overdue_policy", "schedule": crontab(hour="9", minute="0")},
}
