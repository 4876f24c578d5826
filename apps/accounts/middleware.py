import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from apps.core.middleware import bind_user

LAST_SEEN_KEY = "_last_seen"


class IdleSessionTimeoutMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT_MINUTES (MLPS level 3). Sessions are
    touched at most once a minute so a busy page does not write the session table per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                request.logout_idle = True  # the audit entry says the timeout ended it
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(request, _("您已长时间未操作，请重新登录"))
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
            if now - last_seen >= 60 or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
            bind_user(request)
        return self.get_response(request)
