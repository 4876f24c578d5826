"""Fixtures for the tests that start the embedded servers themselves."""

import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def embedded_dir():
    """A folder for an embedded PostgreSQL's data, outside pytest's base temp folder.

    pgserver runs PostgreSQL as its own system user when we are root and opens the folders on
    the way to the data for it (o+rx). pytest's ``/tmp/pytest-of-<user>`` is 0700 and every
    pytest session that starts on the machine sets it back to 0700, so another run starting
    mid-test locked the server out of its own data (initdb: "Permission denied" on
    pg_control). A folder of our own in the system temp folder is not touched by them.
    """
    path = Path(tempfile.mkdtemp(prefix="pp-embedded-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
