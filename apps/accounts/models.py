from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import EnterpriseRole, ParkRole
from apps.core.models import TimeStampedModel


class User(AbstractUser):
    """One user table for the whole park, in the public schema."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    park_role = models.CharField(
        _("园区角色"), max_length=20, choices=ParkRole.choices, blank=True, default=""
    )
    failed_login_count = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_park_staff(self) -> bool:
        return bool(self.park_role) or self.is_superuser

    @property
    def is_park_admin(self) -> bool:
        return self.park_role == ParkRole.PARK_ADMIN or self.is_superuser


class Membership(TimeStampedModel):
    """A user's role in one enterprise."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("角色"), max_length=20, choices=EnterpriseRole.choices, default=EnterpriseRole.ENTERPRISE_MEMBER
    )

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise} ({self.get_role_display()})"


class Invitation(TimeStampedModel):
    """A one-time link for a new account to set its own password: an enterprise administrator
    brought in by a mass onboarding is never given a password, only this invitation (mailed;
    sent again by a park administrator when it was lost or expired). The link's token is
    apps.accounts.tokens.invitation_tokens: it expires, and it stops working once used (the
    password it sets is part of what it signs) or once a newer invitation was sent."""

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="invitation"
    )
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    # the mass onboarding that brought the account in (its results page lists these)
    task_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("批量入驻任务"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("邮箱"))
    portal_url = models.URLField(_("登录地址"), max_length=300)
    send_count = models.PositiveIntegerField(_("发送次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        User, verbose_name=_("发送人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号邀请")
        verbose_name_plural = _("账号邀请")

    def __str__(self) -> str:
        return f"{self.user} ({self.email})"
