from django.conf import settings

from apps.accounts.selectors import is_member
from apps.core.navigation import ENTERPRISE, PARK, menu_for
from apps.tenants.selectors import current_enterprise, park_get


def portal(request):
    enterprise = current_enterprise()
    user = getattr(request, "user", None)
    if enterprise is not None and not (user is not None and is_member(user=user, enterprise=enterprise)):
        enterprise = None  # a non-member learns nothing of the enterprise, not even its name
    park = park_get()
    domain = ENTERPRISE if enterprise is not None else PARK
    menu = menu_for(user, domain=domain, enterprise=enterprise) if user is not None else []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {
        "park": park,
        "current_enterprise": enterprise,
        "portal_domain": domain,
        "nav_menu": menu,
        "nav_current": current,
        "PARK_DOMAIN": settings.PARK_DOMAIN,
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
