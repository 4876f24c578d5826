from celery.schedules import crontab

BEAT_SCHEDULE = {
    "reports-monthly-filing": {
        "task": "reports.monthly_filing",
        "schedule": crontab(day_of_month="1", hour="1", minute="30"),
    },
    "reports-audit-chain-verify": {
        "task": "reports.audit_chain_verify",
        "schedule": crontab(hour="3", minute="10"),
    },
}
