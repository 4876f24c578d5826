"""Production gunicorn settings: ``gunicorn -c deploy/gunicorn.conf.py park_portal.wsgi``.

Every value can be overridden from the environment (the systemd unit reads /etc/park-portal/env).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Resolution is CPU-bound Python: one process per core does the work; threads cover the
# portal pages' database and Redis waits. gthread keeps client connections alive (a sync
# worker closes every connection, which costs more than a cached resolution).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
worker_connections = 1000
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 15
# Recycle workers now and then so a slow leak never becomes an outage — rarely: a restart
# drops the worker's in-process resolution cache (at thousands of requests per second a few
# thousand requests would mean a restart every second).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000000"))
max_requests_jitter = 100000
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
proc_name = "park-portal"
