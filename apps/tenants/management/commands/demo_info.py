from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.models import Membership, User
from apps.tenants import demo_data
from apps.tenants.models import Enterprise
from apps.tenants.selectors import park_get


class Command(BaseCommand):
    help = "Print the portal's URLs and the demo logins (what `make run` shows)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PARK_PORT)

    def handle(self, *args, port, **options):
        suffix = "" if port in (80, 443) else f":{port}"
        base = f"http://{settings.PARK_DOMAIN}{suffix}"
        park = park_get()
        out = self.stdout.write
        out("")
        out(f"Park Portal · {park.name if park else demo_data.PARK_NAME}")
        out(f"  park portal      {base}/   (also http://localhost{suffix}/ and http://127.0.0.1{suffix}/)")
        out(f"  API docs         {base}/api/docs/")
        out(f"  Django admin     {base}/admin/")
        enterprises = Enterprise.objects.filter(is_park_operator=False, status="active").order_by("code")
        for enterprise in enterprises:
            domain = enterprise.domains.filter(is_primary=True).values_list("domain", flat=True).first()
            if domain:
                out(f"  {enterprise.short_name or enterprise.name:<12}     http://{domain}{suffix}/")
        demo_users = User.objects.filter(
            username__in=[u for u, _n, _r in demo_data.PARK_USERS]
            + [demo_data.ENTERPRISE_MEMBER[0]]
            + [f"{e[3].lower()}_admin" for e in demo_data.ENTERPRISES]
        )
        if demo_users.exists():
            out("")
            out(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD})")
            for user in demo_users.order_by("id"):
                membership = Membership.objects.filter(user=user).select_related("enterprise").first()
                if user.park_role:
                    where, role = base, user.get_park_role_display()
                elif membership is not None:
                    domain = membership.enterprise.domains.filter(is_primary=True).first()
                    where = f"http://{domain.domain}{suffix}" if domain else base
                    role = membership.get_role_display()
                else:
                    continue
                out(f"  {user.username:<16} {role:<8} {where}/")
        handle = self._demo_handle()
        if handle:
            out("")
            out(f"Demo identifier  {handle}   →  {base}/{handle}")
        out("")

    def _demo_handle(self) -> str:
        try:
            module = import_module("apps.identifiers.demo")
        except ModuleNotFoundError as exc:
            if exc.name and "apps.identifiers.demo".startswith(exc.name):
                return ""
            raise
        getter = getattr(module, "demo_handle", None)
        return str(getter() or "") if getter else ""
