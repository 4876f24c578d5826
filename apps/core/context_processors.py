from django.conf import settings
from django.utils.translation import get_language

from apps.accounts.selectors import is_member
from apps.core.navigation import ENTERPRISE, PARK, menu_for, menu_groups
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
        "nav_groups": menu_groups(menu, path=request.path),
        "nav_current": current,
        "PARK_DOMAIN": settings.PARK_DOMAIN,
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "html_lang": html_lang(),
    }


def html_lang() -> str:
    """BCP 47 for <html lang>: chromium lays out date inputs by it (年/月/日 under zh-Hans)."""
    code = get_language() or settings.LANGUAGE_CODE
    return "zh-Hans" if code.lower().startswith("zh") else code
