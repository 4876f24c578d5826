"""The registry fixtures (prefixed enterprise, seed templates, a product registrar)."""

from tests.identifiers.conftest import alpha, beta, mfg, register_product, seeds  # noqa: F401
