from __future__ import annotations

import pytest

from tests.identifiers.conftest import alpha, beta, mfg, operator, seeds  # noqa: F401 - fixtures


@pytest.fixture
def make_identifiers(mfg):  # noqa: F811
    """make_identifiers(enterprise, n, prefix=...) → n identifiers written straight into the
    registry (the workbench reads the registry; registration has its own tests)."""
    from apps.identifiers.models import Identifier, Prefix

    def make(enterprise, n: int, *, start: int = 1, version=None) -> list[Identifier]:
        prefix = Prefix.objects.filter(enterprise=enterprise).first()
        version = version or mfg
        rows = [
            Identifier(
                handle=f"{prefix.prefix}/OBJ{i}",
                handle_ci=f"{prefix.prefix}/OBJ{i}".lower(),
                prefix=prefix,
                suffix=f"OBJ{i}",
                object_code=f"OBJ{i}",
                enterprise=enterprise,
                category=version.template.category,
                template_version=version,
                name=f"对象{i}",
            )
            for i in range(start, start + n)
        ]
        return Identifier.objects.bulk_create(rows)

    return make
