from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.buildcases.choices import (
    AutomatedStep,
    BuildMode,
    CaseStatus,
    CompletionKind,
    Decision,
    EventKind,
    ItemState,
    Stage,
)
from apps.buildcases.messages import localized, render
from apps.core.models import TimeStampedModel


class ChecklistItemDefinitionManager(models.Manager):
    def get_by_natural_key(self, stage, mode, code):
        return self.get(stage=stage, mode=mode, code=code)


class ChecklistItemDefinition(TimeStampedModel):
    """One checklist line of a stage, for one build mode or (mode blank) for every mode.
    Data, not code: loaded from fixtures/buildcase_checklists.json, edited by the park in admin."""

    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, db_index=True)
    mode = models.CharField(
        _("建设模式"),
        max_length=16,
        choices=BuildMode.choices,
        blank=True,
        help_text=_("留空表示适用于所有模式"),
    )
    code = models.SlugField(_("代码"), max_length=50)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True, help_text=_("界面为英文时显示"))
    description = models.TextField(_("说明"), blank=True)
    required = models.BooleanField(_("必需"), default=True)
    completion_kind = models.CharField(_("完成方式"), max_length=16, choices=CompletionKind.choices)
    automated_step = models.CharField(
        _("自动步骤"),
        max_length=32,
        choices=AutomatedStep.choices,
        blank=True,
        help_text=_("完成方式为自动步骤时必填"),
    )
    order = models.PositiveIntegerField(_("顺序"), default=100)
    active = models.BooleanField(_("启用"), default=True, help_text=_("停用后不再加入新进入该阶段的案例"))

    objects = ChecklistItemDefinitionManager()

    class Meta:
        verbose_name = _("检查项定义")
        verbose_name_plural = _("检查项定义")
        ordering = ["stage", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "mode", "code"], name="checklist_definition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    def natural_key(self):
        return (self.stage, self.mode, self.code)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.completion_kind == CompletionKind.AUTOMATED and not self.automated_step:
            raise ValidationError({"automated_step": _("自动步骤类检查项须指定步骤")})
        if self.completion_kind != CompletionKind.AUTOMATED and self.automated_step:
            raise ValidationError({"automated_step": _("只有自动步骤类检查项可以指定步骤")})


class BuildCase(TimeStampedModel):
    """A park's identifier build, tracked through 需求 → 规划 → 建设 → 监测 → 评估 → 推广."""

    title = models.CharField(_("名称"), max_length=200)
    mode = models.CharField(_("建设模式"), max_length=16, choices=BuildMode.choices)
    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("建设主体企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="build_cases",
        help_text=_("企业节点的所属企业；留空表示园区本身"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="build_cases",
    )
    stage = models.CharField(
        _("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.DEMAND, db_index=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE, db_index=True
    )
    description = models.TextField(_("说明"), blank=True)
    started_on = models.DateField(_("开始日期"))
    target_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("进入当前阶段时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Monitoring plan (set in 规划): crossing one of these raises an alert on the case.
    probe_url = models.URLField(
        _("可用性探测地址"),
        blank=True,
        help_text=_("留空则通过园区解析服务解析本案例的前缀（/api/handles/<前缀>）"),
    )
    min_availability = models.DecimalField(_("可用性下限（%）"), max_digits=5, decimal_places=2, default=99)
    max_sync_lag_minutes = models.PositiveIntegerField(_("同步延迟上限（分钟）"), default=60)
    max_sync_pending = models.PositiveIntegerField(_("待同步条数上限"), default=1000)
    evaluation_report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("评估报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluation = models.JSONField(_("评价指标"), default=dict, blank=True)

    class Meta:
        verbose_name = _("建设案例")
        verbose_name_plural = _("建设案例")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_name(self) -> str:
        if self.enterprise_id:
            return str(self.enterprise)
        return str(_("园区"))


class CaseItem(models.Model):
    """One checklist line of one case, copied from its definition when the case enters the stage."""

    case = models.ForeignKey(
        BuildCase, verbose_name=_("案例"), on_delete=models.CASCADE, related_name="items"
    )
    definition = models.ForeignKey(
        ChecklistItemDefinition, verbose_name=_("检查项定义"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    required = models.BooleanField(_("必需"), default=True)
    completion_kind = models.CharField(_("完成方式"), max_length=16, choices=CompletionKind.choices)
    automated_step = models.CharField(_("自动步骤"), max_length=32, choices=AutomatedStep.choices, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=100)
    state = models.CharField(_("状态"), max_length=16, choices=ItemState.choices, default=ItemState.OPEN)
    note = models.TextField(_("备注"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    task_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案例检查项")
        verbose_name_plural = _("案例检查项")
        ordering = ["case", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "definition"], name="case_item_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def is_done(self) -> bool:
        return self.state == ItemState.DONE

    @property
    def summary_text(self) -> str:
        """The step's summary in the reader's language (older results keep their text)."""
        result = self.result or {}
        return render(result.get("summary_msg") or result.get("summary", ""))

    @property
    def error_text(self) -> str:
        result = self.result or {}
        if self.state == ItemState.FAILED and result.get("error_msg"):
            return render(result["error_msg"])
        return self.error


class CaseArtifact(models.Model):
    case = models.ForeignKey(
        BuildCase, verbose_name=_("案例"), on_delete=models.CASCADE, related_name="artifacts"
    )
    item = models.ForeignKey(
        CaseItem,
        verbose_name=_("检查项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="artifacts",
    )
    file = models.FileField(_("文件"), upload_to="buildcases/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案例文档")
        verbose_name_plural = _("案例文档")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class StageDecision(models.Model):
    """A park administrator's approval of a stage, or a send-back with its reason."""

    case = models.ForeignKey(
        BuildCase, verbose_name=_("案例"), on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("转入阶段"), max_length=16, choices=Stage.choices, blank=True)
    decision = models.CharField(_("决定"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("原因"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段审批")
        verbose_name_plural = _("阶段审批")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_decision_display()}"


class CaseEvent(models.Model):
    """The case's readable timeline (the field-level diff is in the audit log)."""

    case = models.ForeignKey(
        BuildCase, verbose_name=_("案例"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices, db_index=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    message = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("案例事件")
        verbose_name_plural = _("案例事件")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.text}"

    @property
    def text(self) -> str:
        """The message in the reader's language; rows written before messages were kept as keys
        show their stored text."""
        return render((self.data or {}).get("msg")) or self.message


class MonitoringSnapshot(models.Model):
    """The node's indicators at one moment (监测 stage on, beat task and the first-snapshot step)."""

    case = models.ForeignKey(
        BuildCase, verbose_name=_("案例"), on_delete=models.CASCADE, related_name="snapshots"
    )
    taken_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    identifiers = models.PositiveBigIntegerField(_("已注册标识"), default=0)
    resolutions_24h = models.PositiveBigIntegerField(_("近 24 小时解析量"), default=0)
    sync_pending = models.PositiveIntegerField(_("待同步条数"), default=0)
    sync_lag_seconds = models.PositiveIntegerField(_("最早待同步时长（秒）"), default=0)
    probe_url = models.CharField(_("探测地址"), max_length=500, blank=True)
    probe_ok = models.BooleanField(_("探测成功"), default=False)
    probe_status = models.PositiveIntegerField(_("HTTP 状态"), null=True, blank=True)
    probe_ms = models.PositiveIntegerField(_("响应时间（毫秒）"), null=True, blank=True)
    probe_error = models.TextField(_("探测错误"), blank=True)
    availability = models.DecimalField(_("可用性（%）"), max_digits=5, decimal_places=2, default=0)
    alerts = models.JSONField(_("告警"), default=list, blank=True)
    notes = models.JSONField(_("说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("监测快照")
        verbose_name_plural = _("监测快照")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.taken_at:%Y-%m-%d %H:%M}"
