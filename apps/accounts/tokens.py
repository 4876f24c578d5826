"""The one-time link of an account invitation (apps.accounts.models.Invitation).

Django's password-reset tokens, salted apart from them, lasting ``INVITATION_TIMEOUT`` seconds
(7 days unless set), and signing the account's password hash, last login and the invitation's
send count: setting the password through the link, signing in, or a newer invitation being sent
each make every earlier link invalid."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

DEFAULT_TIMEOUT = 7 * 24 * 3600


def invitation_timeout() -> int:
    return int(getattr(settings, "INVITATION_TIMEOUT", DEFAULT_TIMEOUT))


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "apps.accounts.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        invitation = getattr(user, "invitation", None)
        sent = invitation.send_count if invitation is not None else 0
        return f"{super()._make_hash_value(user, timestamp)}|{sent}"

    def check_token(self, user, token):
        """Django's check with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= invitation_timeout()


invitation_tokens = InvitationTokenGenerator()
