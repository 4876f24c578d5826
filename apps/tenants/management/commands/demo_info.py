from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.models import Membership, User
from apps.tenants import demo_data
from apps.tenants.models import Enterprise
from apps.tenants.selectors import park_get
from park_portal.urls_common import PORTAL_APPS


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
        # Then what each app's own demo data offers to try, found as load_demo finds the loaders.
        for app in PORTAL_APPS:
            module_name = f"apps.{app}.demo"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and module_name.startswith(exc.name):
                    continue
                raise
            info = getattr(module, "info", None)
            if info is not None:
                for line in info(base):
                    out(line)
        out("")
