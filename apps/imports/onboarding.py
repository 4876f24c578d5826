"""Mass onboarding: a park administrator brings many enterprises in from one Excel file.

Upload → every row checked with the application's own rules (apps.tenants.services
.enterprise_application_build) and the park's codes looked up at once → all applications stored
in one transaction, or none when any row is wrong (each error names its row and column) → a
tracked task approves them through the real approval path (schema cloned from the base schema,
domain, administrator, prefix and its upstream application), a batch at a time, with progress on
its TaskRun. The task is safe to run again: approval keeps what exists.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Invitation
from apps.core.errors import ApplicationError
from apps.imports.reading import check_size, normalise_header, sniff, spellings
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Enterprise
from apps.tenants.services import (
    enterprise_application_build,
    enterprise_apply_many,
    enterprise_approve,
    enterprise_codes_taken,
)

Progress = Callable[[int, str], None]

# (field, header, required): the file's columns, in the template's order.
COLUMNS: list[tuple[str, Any, bool]] = [
    ("name", gettext_lazy("企业名称"), True),
    ("short_name", gettext_lazy("简称"), False),
    ("credit_code", gettext_lazy("统一社会信用代码"), True),
    ("code", gettext_lazy("企业代码"), True),
    ("contact_name", gettext_lazy("联系人"), True),
    ("contact_phone", gettext_lazy("联系电话"), True),
    ("contact_email", gettext_lazy("联系邮箱"), True),
    ("industry_code", gettext_lazy("国民经济行业分类"), False),
    ("address", gettext_lazy("地址"), False),
]
# Schemas cloned per transaction: a failure loses at most one batch's work (approval is
# idempotent, a rerun completes it), and progress is written once per batch.
BATCH_SIZE = 50
MAX_ROWS = 20_000
MAX_ERRORS = 1000  # all-or-nothing: past this many the file is refused without listing more


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)s 行「%(column)s」: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class OnboardingRefused(ApplicationError):
    """The file was not taken: ``rows`` lists what is wrong, row by row; nothing was written."""

    def __init__(self, message: str, rows: list[RowError] | None = None):
        self.rows = rows or []
        errors = {"file": [str(e) for e in self.rows]} if self.rows else {"file": [message]}
        super().__init__(message, errors=errors, code="invalid_rows" if self.rows else "file_refused")


def _label(field: str) -> str:
    """A field's column header; an error on a field the file has no column for (the schema
    name derived from the code) names the field."""
    return next((str(header) for name, header, _required in COLUMNS if name == field), field)


def _column_order(column: str) -> int:
    labels = [str(header) for _name, header, _required in COLUMNS]
    return labels.index(column) if column in labels else len(labels)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return str(value).strip()


def _read_rows(fileobj: IO[bytes], name: str) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    """The header's column positions by field and the data rows (Excel row number, cells)."""
    head = fileobj.read(8)
    fileobj.seek(0)
    if sniff(head, name) != "xlsx":
        raise OnboardingRefused(_("请上传 Excel (.xlsx) 文件"))
    from openpyxl import load_workbook

    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise OnboardingRefused(_("无法读取该 Excel 文件，请使用下载的模板")) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        wanted = {}
        for field, label, _required in COLUMNS:
            for spelling in spellings(str(label)):
                wanted[spelling] = field
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            field = wanted.get(normalise_header(cell))
            if field and field not in positions:
                positions[field] = index
        missing = [str(label) for field, label, required in COLUMNS if required and field not in positions]
        if missing:
            raise OnboardingRefused(
                _("第 1 行应为表头，缺少列：%(columns)s") % {"columns": "、".join(missing)}
            )
        data = []
        for number, cells in enumerate(rows, start=2):
            if not any(_cell(c) for c in cells):
                continue
            if len(data) >= MAX_ROWS:
                raise OnboardingRefused(
                    _("一次最多导入 %(max)s 家企业，请拆分文件") % {"max": f"{MAX_ROWS:,}"}
                )
            data.append((number, list(cells)))
    finally:
        book.close()
    if not data:
        raise OnboardingRefused(_("文件中没有企业数据"))
    return positions, data


def onboarding_check(*, fileobj: IO[bytes], name: str) -> list[Enterprise]:
    """Read and check the whole file; the applications it holds (unsaved), or OnboardingRefused
    listing every wrong row and column. Reads the database twice, whatever the file's size."""
    positions, data = _read_rows(fileobj, name)
    errors: list[RowError] = []
    checked: list[tuple[int, Enterprise]] = []
    for number, cells in data:
        values = {
            field: _cell(cells[index]) if index < len(cells) else "" for field, index in positions.items()
        }
        blank = False
        for field, label, required in COLUMNS:
            values.setdefault(field, "")
            if required and not values[field]:
                errors.append(RowError(number, str(label), _("必填，不能为空")))
                blank = True
        if blank:
            continue
        enterprise, field_errors = enterprise_application_build(**values)
        for field, messages in field_errors.items():
            errors.extend(RowError(number, _label(field), m) for m in messages)
        if not field_errors:
            checked.append((number, enterprise))
        if len(errors) >= MAX_ERRORS:
            break
    # the same code twice in the file, or one the park already has
    seen_codes: dict[str, int] = {}
    seen_credit: dict[str, int] = {}
    taken_codes, taken_credit = enterprise_codes_taken(
        codes=[e.code for _n, e in checked], credit_codes=[e.credit_code for _n, e in checked]
    )
    for number, enterprise in checked:
        code = enterprise.code.lower()
        if code in taken_codes:
            errors.append(RowError(number, _label("code"), _("企业代码已被使用")))
        elif code in seen_codes:
            errors.append(
                RowError(
                    number, _label("code"), _("与第 %(row)s 行的企业代码重复") % {"row": seen_codes[code]}
                )
            )
        seen_codes.setdefault(code, number)
        if enterprise.credit_code in taken_credit:
            errors.append(RowError(number, _label("credit_code"), _("该统一社会信用代码已提交过申请")))
        elif enterprise.credit_code in seen_credit:
            errors.append(
                RowError(
                    number,
                    _label("credit_code"),
                    _("与第 %(row)s 行的统一社会信用代码重复") % {"row": seen_credit[enterprise.credit_code]},
                )
            )
        seen_credit.setdefault(enterprise.credit_code, number)
    if errors:
        errors.sort(key=lambda e: (e.row, _column_order(e.column)))
        raise OnboardingRefused(
            _("有 %(n)s 处错误，未导入任何企业：%(first)s") % {"n": len(errors), "first": str(errors[0])},
            rows=errors[:MAX_ERRORS],
        )
    return [enterprise for _n, enterprise in checked]


def onboarding_start(*, actor, uploaded_file) -> Any:
    """Check the file, store its applications and queue their approval. Returns the TaskRun;
    raises OnboardingRefused (nothing written) when any row is wrong."""
    from apps.imports.tasks import onboard_enterprises
    from apps.tasks.base import start_tracked

    if connection.schema_name != "public":
        raise ApplicationError(_("只能在园区门户批量导入企业"), code="park_only")
    name = PurePath(uploaded_file.name or "upload.xlsx").name
    check_size(uploaded_file.size)
    content = io.BytesIO(uploaded_file.read())
    applications = onboarding_check(fileobj=content, name=name)
    with transaction.atomic():
        created = enterprise_apply_many(applications=applications)
        ids = [e.pk for e in created]
        run = start_tracked(
            onboard_enterprises,
            ids,
            title=_("批量导入企业：%(name)s（%(n)s 家）") % {"name": name, "n": len(ids)},
            user=actor,
        )
    return run


def onboarding_provision(
    *,
    enterprise_ids: list[int],
    actor=None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    task_run_id: int | None = None,
) -> dict[str, Any]:
    """Approve the given applications, ``batch_size`` per transaction, through
    enterprise_approve (the approval a park administrator clicks). Enterprises no longer
    waiting (approved meanwhile, rejected) are counted, not touched. Administrators get no
    password (none is shown to anyone in a mass onboarding): each is mailed an invitation to set
    their own, listed with its state (sent / accepted / expired) on the run's results page
    (``task_run_id``), where a park administrator can send it again."""
    total = len(enterprise_ids)
    approved = skipped = 0
    admins: list[str] = []
    failed: list[dict[str, str]] = []
    for start in range(0, total, batch_size):
        batch = enterprise_ids[start : start + batch_size]
        with transaction.atomic():
            for enterprise in Enterprise.objects.filter(pk__in=batch).order_by("pk"):
                if enterprise.status not in (EnterpriseStatus.APPLIED, EnterpriseStatus.APPROVED):
                    skipped += 1
                    continue
                try:
                    result = enterprise_approve(
                        enterprise=enterprise, actor=actor, initial_password=False, task_run_id=task_run_id
                    )
                except ApplicationError as exc:
                    # its own savepoint rolled back: the others go on, the result names it
                    failed.append({"code": enterprise.code, "message": exc.message})
                    continue
                admins.append(result.admin_user.get_username())
                approved += 1
        done = min(total, start + len(batch))
        if progress:
            progress(
                done * 100 // max(1, total),
                _("已开通 %(done)s / %(total)s 家企业") % {"done": f"{done:,}", "total": f"{total:,}"},
            )
    return {
        "total": total,
        "approved": approved,
        "skipped": skipped,
        "failed": failed[:1000],
        "admins": admins[:1000],
        "invitations": Invitation.objects.filter(task_run_id=task_run_id).count() if task_run_id else 0,
    }


def onboarding_template() -> bytes:
    """The file to fill in: the header row in the user's language and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("企业")
    sheet.append([f"{label}{' *' if required else ''}" for _f, label, required in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "苏州示例精密制造有限公司",
            "示例精密",
            "91320594MA27QK5D0D",
            "SLJM",
            "张三",
            "13800000000",
            "zhang@example.com",
            "C3484",
            "苏州工业园区星湖街 88 号",
        ]
    )
    for index in range(len(COLUMNS)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def max_file_mb() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_MB", 50))


# ---------------------------------------------------------------- administrators' invitations
INVITATION_STATES = {
    "sent": gettext_lazy("已发送"),
    "accepted": gettext_lazy("已接受"),
    "expired": gettext_lazy("已过期"),
}


def onboarding_invitations(*, task_run_id: int) -> list[dict[str, Any]]:
    """The invitations a mass onboarding sent, each with its state (sent / accepted / expired)
    as the run's results page and API show them."""
    from apps.accounts.selectors import invitation_list

    return [invitation_row(invitation) for invitation in invitation_list(task_run_id=task_run_id)]


def invitation_row(invitation) -> dict[str, Any]:
    """One invitation as the results page and the API show it, with its state."""
    from apps.accounts.selectors import invitation_state

    state = invitation_state(invitation)
    return {
        "id": invitation.pk,
        "invitation": invitation,
        "enterprise": invitation.enterprise,
        "username": invitation.user.get_username(),
        "email": invitation.email,
        "state": state,
        "state_display": INVITATION_STATES[state],
        "send_count": invitation.send_count,
        "sent_at": invitation.sent_at,
        "accepted_at": invitation.accepted_at,
    }


def onboarding_invitation_resend(*, invitation_id: int, actor) -> Any:
    """A park administrator sends an administrator's invitation again (lost or expired mail):
    a new link, the earlier one stops working, audited. ApplicationError when the account
    already set its password or the invitation does not exist."""
    from apps.accounts.models import Invitation as InvitationModel
    from apps.accounts.services import invitation_resend
    from apps.tenants.selectors import park_get

    invitation = InvitationModel.objects.select_related("user", "enterprise").filter(pk=invitation_id).first()
    if invitation is None:
        raise ApplicationError(_("邀请不存在"), code="not_found")
    park = park_get()
    return invitation_resend(invitation=invitation, park_name=park.name if park else "", actor=actor)
