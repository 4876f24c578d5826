import pytest


@pytest.fixture(autouse=True)
def _fresh_resolution_state():
    """The in-process record cache and counters outlive a test's rolled-back rows: start empty."""
    from apps.resolution import cache, counters, selectors

    cache.local.clear()
    counters.reset_local()
    selectors.upstream_breaker.reset()
    yield
    cache.local.clear()
    counters.reset_local()
    selectors.upstream_breaker.reset()
