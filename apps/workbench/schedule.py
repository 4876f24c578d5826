from celery.schedules import crontab

BEAT_SCHEDULE = {
    "workbench-fold-registrations": {"task": "workbench.fold_registrations", "schedule": 300.0},
    "workbench-recount-registrations": {
        "task": "workbench.recount_registrations",
        "schedule": crontab(hour="1", minute="30"),
    },
}
