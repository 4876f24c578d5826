"""Whether identifiers of an enterprise may be written at all, whoever asks.

``services.can_write`` (and so the portal, the REST API, the SNMS API and the import) asks
``write_refusal`` before it looks at the caller's membership.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix


def write_refusal(enterprise) -> str | None:
    """Why identifiers of ``enterprise`` cannot be registered or changed now (it is suspended, or
    none of its prefixes is active), or None. Reads the statuses from the database: the enterprise
    object at hand may be a cached copy from before a suspension."""
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    status = Enterprise.objects.filter(pk=enterprise.pk).values_list("status", flat=True).first()
    if status is not None and status != EnterpriseStatus.ACTIVE and not enterprise.is_park_operator:
        return _("企业“%(name)s”已暂停或未开通，不能登记、修改或注销标识") % {"name": enterprise.name}
    rows = list(Prefix.objects.filter(enterprise_id=enterprise.pk).values_list("prefix", "status"))
    if not rows or any(s == PrefixStatus.ACTIVE for _p, s in rows):
        return None  # no prefix yet: registration itself says so (enterprise_prefix)
    value, state = rows[0]
    return _("前缀 %(prefix)s %(status)s，不能登记、修改或注销标识") % {
        "prefix": value,
        "status": PrefixStatus(state).label,
    }
