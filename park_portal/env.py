"""Environment loading shared by settings, manage.py and the dev tooling.

When DATABASE_URL / REDIS_URL are not set, ``park_portal.devservices`` starts embedded
servers and writes their URLs to ``var/services.env``; we read that file as defaults so
every process (web, worker, beat, tests) talks to the same embedded servers.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARK_VAR_DIR", BASE_DIR / "var"))
SERVICES_ENV = VAR_DIR / "services.env"


def load_services_env() -> None:
    if not SERVICES_ENV.exists():
        return
    for line in SERVICES_ENV.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key, value)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]
