from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateLevel(models.TextChoices):
    NATIONAL = "national", _("国家元数据模板")
    PARK = "park", _("园区元数据模板")
    ENTERPRISE = "enterprise", _("企业元数据模板")


class ObjectCategory(models.TextChoices):
    """标识对象 (guide 三(四)1): park public-service objects and enterprise-owned objects."""

    ROAD = "road", _("道路设施")
    ENERGY = "energy", _("能源设施")
    ENVIRONMENT = "environment", _("环保设施")
    BUILDING = "building", _("建筑设施")
    LIGHTING = "lighting", _("照明设施")
    GREENING = "greening", _("绿化设施")
    INFO_SERVICE = "info_service", _("信息服务")
    PERSONNEL = "personnel", _("人员")
    BILL = "bill", _("账单")
    RND_DESIGN = "rnd_design", _("研发设计")
    MANUFACTURING = "manufacturing", _("生产制造")
    LOGISTICS = "logistics", _("物流设备")
    ENTERPRISE_BILL = "enterprise_bill", _("企业账票")
    ENTERPRISE_PERSONNEL = "enterprise_personnel", _("企业人员")
    GENERAL = "general", _("通用")


PARK_PUBLIC_CATEGORIES = [
    ObjectCategory.ROAD,
    ObjectCategory.ENERGY,
    ObjectCategory.ENVIRONMENT,
    ObjectCategory.BUILDING,
    ObjectCategory.LIGHTING,
    ObjectCategory.GREENING,
    ObjectCategory.INFO_SERVICE,
    ObjectCategory.PERSONNEL,
    ObjectCategory.BILL,
]
ENTERPRISE_CATEGORIES = [
    ObjectCategory.RND_DESIGN,
    ObjectCategory.MANUFACTURING,
    ObjectCategory.LOGISTICS,
    ObjectCategory.ENTERPRISE_BILL,
    ObjectCategory.ENTERPRISE_PERSONNEL,
]


class Grade(models.IntegerChoices):
    """工业数据分类分级指南 (2020): 三级 highest. Shown with GB/T 43697 一般/重要/核心."""

    G1 = 1, _("一级（一般）")
    G2 = 2, _("二级（重要）")
    G3 = 3, _("三级（核心）")


GRADE_GBT43697 = {Grade.G1: _("一般"), Grade.G2: _("重要"), Grade.G3: _("核心")}


class ItemType(models.TextChoices):
    STRING = "string", _("字符串")
    NUMBER = "number", _("数值")
    DATE = "date", _("日期")
    ENUM = "enum", _("枚举")
    FILE = "file", _("文件")
    REFERENCE = "reference", _("标识引用")


class ItemState(models.TextChoices):
    ENABLED = "enabled", _("启用")
    DISABLED = "disabled", _("停用")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    FORWARDED = "forwarded", _("已转报国家")
