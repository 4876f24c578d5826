"""System checks of the deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PLACEHOLDER_PREFIX = "change-me"


@register(Tags.security, deploy=True)
def secret_key_is_not_a_known_one(app_configs, **kwargs):
    """Django's W009 passes any long key, including the development default and the example's
    placeholder, which are public in this repository."""
    key = settings.SECRET_KEY
    if key == getattr(settings, "DEV_SECRET_KEY", None) or key.startswith(PLACEHOLDER_PREFIX):
        return [
            Warning(
                "DJANGO_SECRET_KEY is the development key or deploy/env.example's placeholder.",
                hint='Generate one: python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
                id="park.W001",
            )
        ]
    return []
