"""Prepare this node to act as an SNMS upstream for another node: an API account, and
optionally the approval of every pending enterprise application (what a park administrator
does in the review pages). Used by the sync tests and the sync benchmark on their second node."""

from django.core.management.base import BaseCommand

from apps.accounts.models import User


class Command(BaseCommand):
    help = "Ensure an SNMS API account; with --approve-applications approve every pending application."

    def add_arguments(self, parser):
        parser.add_argument("--api-user", default="")
        parser.add_argument("--api-password", default="")
        parser.add_argument("--approve-applications", action="store_true")

    def handle(self, *args, api_user="", api_password="", approve_applications=False, **options):
        from apps.tenants.provisioning import ensure_public_tenant

        ensure_public_tenant()
        user = None
        if api_user:
            user, _created = User.objects.get_or_create(
                username=api_user, defaults={"park_role": "park_admin"}
            )
            if api_password:
                user.set_password(api_password)
            user.park_role = "park_admin"
            user.is_active = True
            user.save()
            self.stdout.write(f"api account {api_user} ready")
        if approve_applications:
            from apps.tenants.choices import EnterpriseStatus
            from apps.tenants.models import Enterprise
            from apps.tenants.services import enterprise_approve

            actor = user or User.objects.filter(park_role="park_admin").first()
            for enterprise in Enterprise.objects.filter(
                status=EnterpriseStatus.APPLIED, is_park_operator=False
            ):
                enterprise_approve(enterprise=enterprise, actor=actor)
                self.stdout.write(f"approved {enterprise.code}")
