"""Restricted values through grants: on an identifier, on a template; revocation."""

from __future__ import annotations

import pytest

from apps.core.errors import PermissionDenied
from apps.identifiers.grants import grant_restricted_access, revoke_restricted_access
from apps.identifiers.selectors import can_view_restricted, identifier_values_for
from tests import factories

pytestmark = pytest.mark.django_db


def codes(user, ident):
    return {v["type"] for v in identifier_values_for(user=user, identifier=ident)}


def test_members_see_restricted_values_others_do_not(register_product, member_a, admin_b):
    ident = register_product(1)
    assert "production_line" in codes(member_a, ident)
    assert "production_line" not in codes(admin_b, ident)
    assert "name" in codes(admin_b, ident)  # public values are public


def test_identifier_grant_and_revocation(register_product, admin_a, admin_b, alpha):
    ident, other = register_product(1), register_product(2)
    grant = grant_restricted_access(actor=admin_a, enterprise=alpha, grantee=admin_b, identifier=ident)
    assert admin_b.has_perm("identifiers.view_restricted_values", ident)
    assert "process_params" in codes(admin_b, ident)
    assert "process_params" not in codes(admin_b, other)
    revoke_restricted_access(actor=admin_a, grant=grant)
    admin_b = type(admin_b).objects.get(pk=admin_b.pk)
    assert not can_view_restricted(user=admin_b, identifier=ident)


def test_template_grant_covers_only_the_granting_enterprises_identifiers(
    register_product, admin_a, admin_b, alpha, beta, mfg
):
    from apps.identifiers.services import identifier_register

    from .conftest import product

    ident = register_product(1)
    outsider = factories.user("outsider")
    beta_ident = identifier_register(actor=admin_b, enterprise=beta, template_version=mfg, values=product(9))
    grant = grant_restricted_access(actor=admin_a, enterprise=alpha, grantee=outsider, template=mfg.template)
    assert can_view_restricted(user=outsider, identifier=ident)
    assert can_view_restricted(user=outsider, identifier=register_product(3))  # later ones too
    assert not can_view_restricted(user=outsider, identifier=beta_ident)
    revoke_restricted_access(actor=admin_a, grant=grant)
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert not can_view_restricted(user=outsider, identifier=ident)


def test_only_the_enterprise_administrator_grants(register_product, member_a, admin_b, alpha, beta):
    ident = register_product(1)
    with pytest.raises(PermissionDenied):
        grant_restricted_access(actor=member_a, enterprise=alpha, grantee=admin_b, identifier=ident)
    with pytest.raises(PermissionDenied):  # beta's admin cannot grant alpha's identifier
        grant_restricted_access(actor=admin_b, enterprise=beta, grantee=member_a, identifier=ident)
