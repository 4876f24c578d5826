import pytest
from django.test import TestCase

from apps.bid import codec
from apps.terminals import keys as terminal_keys
from apps.terminals import services as terminal_services
from tests.terminals.conftest import (  # noqa: F401 - fixtures' helpers
    device_values,
    ensure_prefix,
    terminal_version,  # noqa: F401 - the fixture
)


def committed(service, **kwargs):
    """Run a service with its on-commit hooks (the resolution cache invalidation) executed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


@pytest.fixture
def terminal_identifier(terminal_version, enterprise_a, admin_a):  # noqa: F811
    """enterprise_a's terminal (SM2 credential key) — an identifier with a restricted item
    (device_owner, 二级) beside its public ones."""

    def make(n: int = 1, algorithm: str = "sm2"):
        private = terminal_keys.generate_private_key(algorithm)
        issued = committed(
            terminal_services.terminal_enrol,
            actor=admin_a,
            enterprise=enterprise_a,
            template_version=terminal_version,
            values=device_values(n),
            public_key=terminal_keys.public_key_of(private).pem,
        )
        return issued.credential.terminal.identifier, private

    return make


def signed(pair: codec.KeyPair, payload: bytes) -> str:
    return codec.sign(pair, payload).hex()
