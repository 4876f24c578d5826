"""The translation catalogues: ``locale/<lang>/LC_MESSAGES/django.po`` is the one source.

The compiled ``.mo`` files are build output (not committed). They are compiled with polib, so
a machine without gettext's ``msgfmt`` (a fresh one, a container without root) still gets
English. gettext's tools are needed only to *extract* new strings (``makemessages``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polib


def catalogue_paths(locale_root: Path) -> list[Path]:
    return sorted(locale_root.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write ``<name>.mo`` beside ``po_path`` from its translated, non-fuzzy entries.

    Written to a temporary file and renamed into place, so a process reading the catalogue
    (a test worker, a running server) never sees half a file.
    """
    mo_path = po_path.with_suffix(".mo")
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    handle, temporary = tempfile.mkstemp(dir=po_path.parent, prefix=".django-", suffix=".mo")
    os.close(handle)
    try:
        catalogue.save_as_mofile(temporary)
        os.replace(temporary, mo_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return mo_path


def compile_all(locale_root: Path) -> list[Path]:
    return [compile_catalogue(po) for po in catalogue_paths(locale_root)]


def untranslated(po_path: Path) -> list[str]:
    """msgids of ``po_path`` with no (or only a fuzzy) translation."""
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    return [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
