BEAT_SCHEDULE = {
    "terminals-flush-auth-counts": {"task": "terminals.flush_auth_counts", "schedule": 60.0},
    "terminals-retire-grace": {"task": "terminals.retire_expired_grace", "schedule": 300.0},
    "terminals-drop-expired-tokens": {"task": "terminals.drop_expired_tokens", "schedule": 3600.0},
}
