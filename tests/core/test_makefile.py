"""`make messages` works on a fresh machine without gettext: the compiled .mo is committed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_messages_without_msgfmt_uses_the_committed_mo(tmp_path):
    # A PATH holding only what the recipe needs, and no msgfmt.
    for tool in ("make", "bash", "sh", "env"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    assert (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()
    result = subprocess.run(
        # -o: never (re)install the virtualenv from here.
        ["make", "-s", "-o", ".venv/.installed", "messages"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "using committed .mo" in result.stdout
