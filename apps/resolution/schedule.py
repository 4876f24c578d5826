BEAT_SCHEDULE = {
    "resolution-flush-counters": {"task": "resolution.flush_counters", "schedule": 60.0},
}
