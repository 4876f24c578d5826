# Node indicators of every case from 监测 on, every five minutes.
BEAT_SCHEDULE = {
    "buildcases-monitor-snapshots": {"task": "buildcases.monitor_snapshots", "schedule": 300.0},
}
