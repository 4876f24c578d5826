"""The process's shared Redis clients: resolution's cache and counters and the tenant domain cache
use one connection pool; the resolution server's event loop has the asyncio one."""

from __future__ import annotations

import os
import threading

import redis
from django.conf import settings
from redis import asyncio as aioredis

_client_lock = threading.Lock()
_client: redis.Redis | None = None
_client_pid: int | None = None
_async_client: tuple[int, aioredis.Redis] | None = None
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


def async_redis_client() -> aioredis.Redis:
    """The asyncio client of this process's event loop (one per process, re-created after fork)."""
    global _async_client
    pid = os.getpid()
    if _async_client is None or _async_client[0] != pid:
        _async_client = (pid, aioredis.Redis.from_url(settings.REDIS_URL, **OPTIONS))
    return _async_client[1]
