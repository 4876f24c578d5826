"""Keeps what ``POST /identity/token/v1`` needs when a password is set.

Not a rule: Django calls ``password_changed(password, user)`` on every entry of
AUTH_PASSWORD_VALIDATORS after ``User.save()`` stores a new password (the admin, the change
form, ``createsuperuser``, ``set_password`` + ``save``), the one moment the raw password is at
hand. ``validate`` accepts everything.
"""

from __future__ import annotations


class SnmsPasswordDigestKeeper:
    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        from apps.sync.services import api_password_digest_keep

        if user is not None:
            api_password_digest_keep(user=user, password=password)

    def get_help_text(self) -> str:
        return ""
