import pytest


@pytest.fixture(scope="session")
def seed_templates(django_db_setup, django_db_blocker, park_schemas):
    """The published national and park seed templates, created once per session (committed)."""
    from apps.metadata.demo import ensure_seed_templates

    with django_db_blocker.unblock():
        return ensure_seed_templates()


@pytest.fixture
def templates(db, seed_templates, park):
    """Seed templates by code; re-created if a transaction=True test flushed the tables (and the
    park with them: a park template's prefix is the park's)."""
    from apps.metadata.demo import ensure_seed_templates

    return ensure_seed_templates()
