"""The process's shared Redis client: resolution's cache and counters and the tenant domain cache
use one connection pool."""

from __future__ import annotations

import os
import threading

import redis
from django.conf import settings

_client_lock = threading.Lock()
_client: redis.Redis | None = None
_client_pid: int | None = None
OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 2}


def redis_client() -> redis.Redis:
    """One connection pool per process (re-created after fork)."""
    global _client, _client_pid
    pid = os.getpid()
    if _client is None or _client_pid != pid:
        with _client_lock:
            if _client is None or _client_pid != pid:
                _client = redis.Redis.from_url(settings.REDIS_URL, **OPTIONS)
                _client_pid = pid
    return _client
