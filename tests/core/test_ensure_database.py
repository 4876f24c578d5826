"""`make run` with DATABASE_URL naming a database that does not exist yet creates it."""

import uuid

import psycopg
import pytest
from django.conf import settings

from park_portal.devservices import ensure_database

pytestmark = pytest.mark.django_db  # the suite's session set-up needs the test database


def test_a_missing_database_is_created_once():
    db = settings.DATABASES["default"]
    name = f"pp_ensure_{uuid.uuid4().hex[:8]}"
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    url = f"postgres://{auth}{db['HOST']}:{db['PORT']}/{name}"
    params = {
        k: v
        for k, v in {
            "user": db["USER"],
            "password": db.get("PASSWORD"),
            "host": db["HOST"],
            "port": db["PORT"],
        }.items()
        if v
    }
    try:
        assert ensure_database(url) is True
        assert ensure_database(url) is False  # there now: left alone
        with psycopg.connect(dbname=name, **params) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == name
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
