from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from apps.accounts.choices import EnterpriseRole
from apps.accounts.models import Membership
from apps.tenants import demo_data
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise
from apps.tenants.provisioning import ensure_public_tenant
from apps.tenants.services import enterprise_apply, enterprise_approve, enterprise_upstream_info_update
from park_portal.urls_common import PORTAL_APPS


class Command(BaseCommand):
    help = (
        "Load the demo park (数智产业园, park code 101): three enterprises approved through the real "
        "approval service, one user per role, then each app's demo data. Running it again changes nothing."
    )

    def handle(self, *args, verbosity=1, **options):
        # The demo enterprises' addresses are made up: their approval mails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            return self._load(verbosity=verbosity)

    def _load(self, *, verbosity):
        say = self.stdout.write if verbosity else (lambda *a, **k: None)
        ensure_public_tenant(park_name=demo_data.PARK_NAME, park_code=demo_data.PARK_CODE)
        created = 0
        with transaction.atomic():
            park_admin = None
            for username, display_name, role in demo_data.PARK_USERS:
                # Every park role uses the Django admin (its rights there follow the park role).
                user, new = demo_data.ensure_user(username, display_name, park_role=role, is_staff=True)
                created += new
                if role == "park_admin":
                    park_admin = user
            for name, short, credit, code, industry, address, contact, phone, email in demo_data.ENTERPRISES:
                upstream_info = demo_data.UPSTREAM_INFO.get(credit, {})
                enterprise = Enterprise.objects.filter(credit_code=credit).first()
                if enterprise is None:
                    enterprise = enterprise_apply(
                        name=name,
                        short_name=short,
                        credit_code=credit,
                        code=code,
                        industry_code=industry,
                        address=address,
                        contact_name=contact,
                        contact_phone=phone,
                        contact_email=email,
                        **upstream_info,
                    )
                elif any(getattr(enterprise, f) != v for f, v in upstream_info.items()):
                    # A demo loaded before the enterprise held this data: completed (and a
                    # waiting prefix application sent) through the real service.
                    enterprise_upstream_info_update(enterprise=enterprise, actor=park_admin, **upstream_info)
                    created += 1
                if enterprise.status in (EnterpriseStatus.APPLIED, EnterpriseStatus.APPROVED):
                    result = enterprise_approve(enterprise=enterprise, actor=park_admin)
                    if result.initial_password:
                        # Demo only: a known password instead of the one-time random one.
                        result.admin_user.set_password(demo_data.DEMO_PASSWORD)
                        result.admin_user.save(update_fields=["password"])
                        created += 1
                        say(
                            f"  approved {name} → {result.enterprise.schema_name}, prefix {result.prefix.prefix}"
                        )
            username, display_name, code = demo_data.ENTERPRISE_MEMBER
            member, new = demo_data.ensure_user(username, display_name)
            created += new
            enterprise = Enterprise.objects.get(code__iexact=code)
            _m, new = Membership.objects.get_or_create(
                user=member, enterprise=enterprise, defaults={"role": EnterpriseRole.ENTERPRISE_MEMBER}
            )
            created += new
        say(f"demo park: {created} new objects" if created else "demo park: already loaded, nothing changed")
        # Then every app's own demo data, in PORTAL_APPS order (metadata before identifiers).
        for app in PORTAL_APPS:
            module_name = f"apps.{app}.demo"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and module_name.startswith(exc.name):
                    continue
                raise
            loader = getattr(module, "load", None)
            if loader is not None:
                say(f"demo data: {app}")
                loader(self.stdout)
