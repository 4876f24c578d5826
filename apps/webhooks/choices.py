from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    IDENTIFIER_REGISTERED = "identifier.registered", _("标识已注册")
    IDENTIFIER_UPDATED = "identifier.updated", _("标识已修改")
    IDENTIFIER_WITHDRAWN = "identifier.withdrawn", _("标识已注销")
    IMPORT_FINISHED = "import.finished", _("导入已完成")
    ENTERPRISE_APPROVED = "enterprise.approved", _("企业已通过审核")
    PREFIX_STATE_CHANGED = "prefix.state_changed", _("前缀状态已变更")
    BUILDCASE_STAGE_CHANGED = "buildcase.stage_changed", _("建设案例阶段已变更")
    REPORT_READY = "report.ready", _("报告已生成")
    SYNC_FAILED = "sync.failed", _("上级同步失败")
    BILL_ISSUED = "bill.issued", _("账单已开出")
    BILL_PAID = "bill.paid", _("收款已登记")
    TERMINAL_OFFLINE = "terminal.offline", _("终端离线")


# The audit actions each event kind is made of: the audit log is the one source of events (every
# service already writes it in its own transaction). An action not listed here is no event.
AUDIT_ACTIONS: dict[str, str] = {
    "identifier.register": EventKind.IDENTIFIER_REGISTERED,
    "identifier.update": EventKind.IDENTIFIER_UPDATED,
    "identifier.withdraw": EventKind.IDENTIFIER_WITHDRAWN,
    "import.apply": EventKind.IMPORT_FINISHED,
    "enterprise.approve": EventKind.ENTERPRISE_APPROVED,
    "prefix.create": EventKind.PREFIX_STATE_CHANGED,
    "prefix.suspend": EventKind.PREFIX_STATE_CHANGED,
    "prefix.resume": EventKind.PREFIX_STATE_CHANGED,
    "prefix.revoke": EventKind.PREFIX_STATE_CHANGED,
    "prefix.upstream_status": EventKind.PREFIX_STATE_CHANGED,
    "buildcase.stage_approve": EventKind.BUILDCASE_STAGE_CHANGED,
    "buildcase.stage_send_back": EventKind.BUILDCASE_STAGE_CHANGED,
    "report.generate": EventKind.REPORT_READY,
    "sync.fail": EventKind.SYNC_FAILED,
    "billing.bill_issue": EventKind.BILL_ISSUED,
    "billing.payment_record": EventKind.BILL_PAID,
    # Declared for the terminals app: its audit action becomes the event once it writes it.
    "terminal.offline": EventKind.TERMINAL_OFFLINE,
}

# Kinds whose audit changes may hold restricted identifier values: the body carries the names of
# the changed fields only, never their values.
FIELD_NAMES_ONLY = (
    EventKind.IDENTIFIER_REGISTERED,
    EventKind.IDENTIFIER_UPDATED,
    EventKind.IDENTIFIER_WITHDRAWN,
)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已送达")
