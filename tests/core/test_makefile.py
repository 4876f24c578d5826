"""`make messages` works on a fresh machine without gettext: the .mo is compiled from the .po
(the one source of translations) with polib."""

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo"

# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_messages_without_msgfmt_compiles_the_po(tmp_path):
    # A PATH holding only what the recipe needs, and no msgfmt.
    for tool in ("make", "bash", "sh", "env"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    before = MO.stat().st_mtime_ns if MO.exists() else 0
    result = subprocess.run(
        # -o: never (re)install the virtualenv from here.
        ["make", "-s", "-o", ".venv/.installed", "messages"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert MO.stat().st_mtime_ns > before
    with MO.open("rb") as mo:
        english = gettext.GNUTranslations(mo)
    assert english.gettext("园区") == "Park"
    assert english.ngettext(
        "第 %(n)s / %(total)s 页，共 %(c)s 条", "第 %(n)s / %(total)s 页，共 %(c)s 条", 2
    ) == ("Page %(n)s of %(total)s, %(c)s entries")


def test_the_mo_is_not_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "locale"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "locale/en/LC_MESSAGES/django.po" in tracked
    assert [path for path in tracked if not path.endswith(".po")] == []
