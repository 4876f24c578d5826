"""Who may do what with build cases, in one place; views and services name these."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from apps.accounts.choices import ParkRole
from apps.buildcases.choices import AutomatedStep, CaseStatus, CompletionKind

WORK_ROLES = (ParkRole.PARK_ADMIN, ParkRole.PARK_OPERATOR)
VIEW_ROLES = (ParkRole.PARK_ADMIN, ParkRole.PARK_OPERATOR, ParkRole.PARK_AUDITOR)


def can_view_board(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.park_role in VIEW_ROLES))


def can_work(user) -> bool:
    """Park administrators and operators work items: sign-offs, steps, uploads, the plan."""
    return bool(user.is_authenticated and (user.is_superuser or user.park_role in WORK_ROLES))


def can_decide(user) -> bool:
    """Only park administrators approve a stage or send it back."""
    return bool(user.is_authenticated and user.is_park_admin)


def can_start_step(user, case, item) -> bool:
    """Operators run automated steps, except provisioning the tenant of an enterprise the park
    has not approved yet: that step approves the application, a park administrator's decision."""
    if not can_work(user):
        return False
    if item.automated_step == AutomatedStep.PROVISION_TENANT:
        return can_provision(user, case)
    return True


# Shown when can_provision refuses (gettext it where it is raised).
PROVISION_REFUSED = gettext_noop("企业入驻申请尚未批准：只有园区管理员可以执行“开通企业租户”")


def can_provision(user, case) -> bool:
    """Provisioning the tenant of an enterprise whose application is still pending approves
    that application: a park administrator's decision. Checked when the step is started and
    again when the queued step runs (the application may have changed in between)."""
    return not needs_approval(case) or (user is not None and can_decide(user))


def needs_approval(case) -> bool:
    from apps.tenants.choices import EnterpriseStatus

    return bool(case.enterprise_id and case.enterprise.status == EnterpriseStatus.APPLIED)


def is_case_member(user, case) -> bool:
    if not (user.is_authenticated and case.enterprise_id):
        return False
    from apps.accounts.selectors import is_member

    return is_member(user=user, enterprise=case.enterprise)


def can_take_credential(user, case) -> bool:
    """The API key the 签发接口凭证 step issued is for the case enterprise's administrators."""
    if not (user.is_authenticated and case.enterprise_id):
        return False
    from apps.accounts.selectors import is_enterprise_admin

    return is_enterprise_admin(user=user, enterprise=case.enterprise)


def can_view_case(user, case) -> bool:
    return can_view_board(user) or is_case_member(user, case)


def can_upload(user, case, item) -> bool:
    """Park staff who work items, or members of the case's enterprise for the artifact items
    of the stage the case is in."""
    if case.status != CaseStatus.ACTIVE or item is None or item.completion_kind != CompletionKind.ARTIFACT:
        return False
    if item.stage != case.stage:
        return False
    return can_work(user) or is_case_member(user, case)
