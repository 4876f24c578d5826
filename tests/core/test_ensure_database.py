"""`make run` with DATABASE_URL naming a database that does not exist yet creates it."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from park_portal.devservices import admin_connection, ensure_database

pytestmark = pytest.mark.django_db  # the suite's session set-up needs the test database


def test_a_missing_database_is_created_once():
    name = f"pp_ensure_{uuid.uuid4().hex[:8]}"
    # the server the suite runs on (TCP or the embedded server's socket), another database
    url = urlunsplit(urlsplit(settings.DATABASE_URL)._replace(path=f"/{name}"))

    def exists() -> bool:
        conn, _ = admin_connection(url)
        with conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    try:
        assert not exists()
        assert ensure_database(url) is True
        assert exists()
        assert ensure_database(url) is False  # there now: left alone
    finally:
        conn, _ = admin_connection(url)
        with conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
