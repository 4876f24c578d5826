"""Settings for bench_tenants.py's "new tenant-app migration" step: the project's settings plus
a tenant app (tests/perf/benchtenantapp) whose migration no schema has yet."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from park_portal.settings import *  # noqa: E402,F403
from park_portal.settings import INSTALLED_APPS, TENANT_APPS  # noqa: E402

TENANT_APPS = [*TENANT_APPS, "benchtenantapp"]
INSTALLED_APPS = [*INSTALLED_APPS, "benchtenantapp"]
