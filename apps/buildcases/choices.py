from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildMode(models.TextChoices):
    """三(二) 建设模式: the three ways a park builds its identifier node. The new-type node is
    either a 星火·链网 backbone node or a business node attached to one."""

    SECONDARY = "secondary", _("园区型二级节点")
    ENTERPRISE = "enterprise", _("园区型企业节点")
    BACKBONE = "backbone", _("园区新型标识节点（星火·链网骨干节点）")
    BUSINESS = "business", _("园区新型标识节点（星火·链网业务节点）")


class Stage(models.TextChoices):
    """四 实施流程, in order."""

    DEMAND = "demand", _("需求")
    PLANNING = "planning", _("规划")
    CONSTRUCTION = "construction", _("建设")
    MONITORING = "monitoring", _("监测")
    EVALUATION = "evaluation", _("评估")
    PROMOTION = "promotion", _("推广")


STAGE_ORDER: list[str] = [choice.value for choice in Stage]
# Stages from which the node exists and is watched by the periodic snapshot.
MONITORED_STAGES = (Stage.MONITORING, Stage.EVALUATION, Stage.PROMOTION)


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    COMPLETED = "completed", _("已完成")


class CompletionKind(models.TextChoices):
    ARTIFACT = "artifact", _("上传文档")
    SIGNOFF = "signoff", _("审核签字")
    AUTOMATED = "automated", _("自动步骤")


class AutomatedStep(models.TextChoices):
    """Steps a worker runs (apps.buildcases.steps); the checklist names one per item."""

    PROVISION_TENANT = "provision_tenant", _("开通企业租户")
    ALLOCATE_PREFIX = "allocate_prefix", _("分配标识前缀")
    SYNC_PREFIX = "sync_prefix", _("前缀同步至上级节点")
    ISSUE_API_CREDENTIALS = "issue_api_credentials", _("签发接口凭证")
    MONITORING_SNAPSHOT = "monitoring_snapshot", _("节点指标快照")
    EVALUATE = "evaluate", _("评价指标测评与评估报告")


class ItemState(models.TextChoices):
    OPEN = "open", _("待办")
    RUNNING = "running", _("执行中")
    FAILED = "failed", _("失败")
    DONE = "done", _("已完成")


class Decision(models.TextChoices):
    APPROVED = "approved", _("批准进入下一阶段")
    SENT_BACK = "sent_back", _("退回")


class EventKind(models.TextChoices):
    CREATED = "created", _("创建案例")
    PLAN_UPDATED = "plan_updated", _("更新监测计划")
    ARTIFACT_UPLOADED = "artifact_uploaded", _("上传文档")
    SIGNED_OFF = "signed_off", _("审核签字")
    ITEM_REOPENED = "item_reopened", _("事项重新打开")
    STEP_STARTED = "step_started", _("自动步骤开始")
    STEP_SUCCEEDED = "step_succeeded", _("自动步骤完成")
    STEP_FAILED = "step_failed", _("自动步骤失败")
    STAGE_APPROVED = "stage_approved", _("阶段批准")
    STAGE_SENT_BACK = "stage_sent_back", _("阶段退回")
    COMPLETED = "completed", _("案例完成")
    ALERT = "alert", _("监测告警")
    ALERT_CLEARED = "alert_cleared", _("告警解除")
