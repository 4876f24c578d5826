"""Shared set-up for standalone benchmarks: a database of their own (``<name>_bench``).

Call ``setup()`` before importing models: it points DATABASE_URL at ``<dev db>_bench``
(creating it if needed), sets up Django and migrates that database, so benchmarks never touch
development data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent


def bench_database_url() -> str:
    sys.path.insert(0, str(ROOT))
    from park_portal.env import load_services_env

    load_services_env()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "park_portal"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def _create_database(url: str) -> None:
    from park_portal.devservices import ensure_database

    ensure_database(url)


def setup(*, migrate: bool = True) -> str:
    url = bench_database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "park_portal.settings")
    os.environ.setdefault("CACHE_KEY_PREFIX", "pp-bench")
    _create_database(url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("bootstrap", verbosity=0)
    return url
