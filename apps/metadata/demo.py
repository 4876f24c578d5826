"""Seed templates: the national core template and one park template per object category.

``ensure_seed_templates()`` is idempotent and cheap when the templates exist, so tests call it
from a fixture and ``manage.py load_demo`` calls ``load(stdout)``.
"""

from __future__ import annotations

from django.db import transaction

from apps.metadata.choices import Grade, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.models import MetadataTemplate

NATIONAL_CODE = "CN-CORE"

S, N, D, E, F, R = (
    ItemType.STRING,
    ItemType.NUMBER,
    ItemType.DATE,
    ItemType.ENUM,
    ItemType.FILE,
    ItemType.REFERENCE,
)
G1, G2, G3 = Grade.G1, Grade.G2, Grade.G3


def item(
    name, code, kind=S, *, required=False, unique=False, grade=G1, public=None, help_text="", **constraints
):
    """An item spec; grade 二级 and above is never public, 一级 is public unless said otherwise."""
    return {
        "name": name,
        "code": code,
        "item_type": kind,
        "required": required,
        "unique": unique,
        "grade": grade,
        "is_public": (grade == G1) if public is None else public,
        "help_text": help_text,
        "constraints": constraints,
    }


# Items every identifier of the park carries (national core, indexes from 2000).
NATIONAL_ITEMS = [
    item("名称", "name", required=True, max_length=100, help_text="对象的中文名称"),
    item("对象描述", "description", max_length=500),
    item("责任单位", "responsible_org", max_length=100, help_text="对该对象负责的单位全称"),
    item("状态", "object_status", E, choices=["正常", "停用", "注销"]),
    item(
        "联系电话",
        "contact_phone",
        grade=G2,
        pattern=r"(1\d{10})|(0\d{2,3}-?\d{7,8})",
        pattern_hint="手机号或固定电话",
    ),
]

BUILDING_REF = {"ref_category": ObjectCategory.BUILDING}
ROAD_REF = {"ref_category": ObjectCategory.ROAD}


# code, name, category, GB/T 4754 (门类, 大类, 中类, 小类), extra template fields, items
PARK_TEMPLATES = [
    (
        "PARK-ROAD",
        "园区道路设施模板",
        ObjectCategory.ROAD,
        ("N", "78", "781", "7810"),
        {},
        [
            item("道路名称", "name", required=True, max_length=50),
            item(
                "道路等级", "road_class", E, required=True, choices=["主干路", "次干路", "支路", "厂区道路"]
            ),
            item("长度", "length_m", N, required=True, precision=1, unit="m", min=0, max=50000),
            item("宽度", "width_m", N, precision=1, unit="m", min=0, max=100),
            item("车道数", "lanes", N, precision=0, min=1, max=10),
            item("路面材质", "pavement", E, choices=["沥青混凝土", "水泥混凝土", "透水砖", "其他"]),
            item("建成日期", "built_on", D),
            item("养护单位", "maintainer", max_length=100),
            item("巡检记录", "inspection_file", F, grade=G2, extensions=["pdf", "xlsx", "jpg"]),
        ],
    ),
    (
        "PARK-ENERGY",
        "园区能源设施模板",
        ObjectCategory.ENERGY,
        ("D", "44", "442", "4420"),
        {},
        [
            item("设备名称", "name", required=True, max_length=50),
            item(
                "设备类型",
                "equipment_type",
                E,
                required=True,
                choices=["变压器", "配电柜", "光伏组件", "储能电池", "充电桩", "燃气调压站"],
            ),
            item("额定功率", "rated_power", N, required=True, precision=2, unit="kW", min=0, max=100000),
            item("额定电压", "rated_voltage", N, precision=1, unit="kV", min=0, max=500),
            item("投运日期", "commissioned_on", D, required=True),
            item(
                "所在建筑", "building", R, help_text="所在建筑的标识，例如 88.101.PARK/B001", **BUILDING_REF
            ),
            item("运维单位", "operator_org", max_length=100),
            item("监测点位", "monitoring_points", grade=G2, max_length=200, help_text="能耗在线监测点位编号"),
            item("年用电量", "annual_kwh", N, grade=G2, precision=0, unit="kWh", min=0),
            item("电网接入点", "grid_access_point", grade=G3, max_length=100),
            item("安全运行规程", "safety_manual", F, grade=G2, extensions=["pdf", "docx"]),
        ],
    ),
    (
        "PARK-ENV",
        "园区环保设施模板",
        ObjectCategory.ENVIRONMENT,
        ("N", "77", "772", "7721"),
        {},
        [
            item("设施名称", "name", required=True, max_length=50),
            item(
                "设施类型",
                "facility_type",
                E,
                required=True,
                choices=["污水处理", "废气处理", "固废暂存", "噪声监测", "在线监测"],
            ),
            item("处理能力", "capacity", N, precision=1, unit="t/d", min=0),
            item("执行排放标准", "emission_standard", max_length=100, help_text="例如 GB 8978-1996"),
            item(
                "排污许可证编号",
                "discharge_permit",
                grade=G2,
                pattern=r"[0-9A-Z]{18}\d{3}[A-Z]",
                pattern_hint="22 位排污许可证编号",
            ),
            item("投运日期", "commissioned_on", D),
            item("所在建筑", "building", R, **BUILDING_REF),
            item("运维单位", "operator_org", max_length=100),
            item("最近监测日期", "last_monitored_on", D),
            item("监测报告", "monitoring_report", F, grade=G2, extensions=["pdf"]),
        ],
    ),
    (
        "PARK-BUILDING",
        "园区建筑设施模板",
        ObjectCategory.BUILDING,
        ("K", "70", "702", "7020"),
        {},
        [
            item("建筑名称", "name", required=True, max_length=50),
            item(
                "楼栋编号",
                "building_no",
                required=True,
                max_length=20,
                pattern=r"[A-Z]?\d{1,3}[A-Z]?",
                pattern_hint="例如 A12",
            ),
            item(
                "建筑用途",
                "usage",
                E,
                required=True,
                choices=["厂房", "仓库", "办公", "研发", "宿舍", "配套"],
            ),
            item("建筑面积", "floor_area", N, required=True, precision=2, unit="m²", min=0, max=1000000),
            item("地上层数", "floors", N, precision=0, min=1, max=100),
            item("结构类型", "structure", E, choices=["钢结构", "钢筋混凝土", "砖混", "其他"]),
            item("竣工日期", "completed_on", D),
            item("产权单位", "property_owner", max_length=100, public=False),
            item("消防验收文件", "fire_acceptance", F, grade=G2, extensions=["pdf"]),
            item("不动产权证号", "title_deed_no", grade=G3, max_length=50),
        ],
    ),
    (
        "PARK-LIGHTING",
        "园区照明设施模板",
        ObjectCategory.LIGHTING,
        ("N", "78", "781", "7810"),
        {},
        [
            item("灯具名称", "name", required=True, max_length=50),
            item(
                "灯具类型",
                "lamp_type",
                E,
                required=True,
                choices=["LED路灯", "高杆灯", "庭院灯", "景观灯", "隧道灯"],
            ),
            item("功率", "power_w", N, required=True, precision=0, unit="W", min=1, max=2000),
            item("灯杆高度", "pole_height", N, precision=1, unit="m", min=0, max=40),
            item("所在道路", "road", R, **ROAD_REF),
            item("控制方式", "control_mode", E, choices=["时控", "光控", "远程集控"]),
            item("安装日期", "installed_on", D),
        ],
    ),
    (
        "PARK-GREENING",
        "园区绿化设施模板",
        ObjectCategory.GREENING,
        ("N", "78", "785", "7850"),
        {},
        [
            item("绿地名称", "name", required=True, max_length=50),
            item(
                "绿地类型",
                "green_type",
                E,
                required=True,
                choices=["道路绿地", "广场绿地", "附属绿地", "防护绿地"],
            ),
            item("面积", "area", N, required=True, precision=1, unit="m²", min=0),
            item("主要植物", "main_plants", max_length=200),
            item("养护单位", "maintainer", max_length=100),
            item("养护周期", "care_cycle_days", N, precision=0, unit="天", min=1, max=365),
            item("种植日期", "planted_on", D),
        ],
    ),
    (
        "PARK-INFO",
        "园区信息服务模板",
        ObjectCategory.INFO_SERVICE,
        ("I", "64", "645", "6450"),
        {"default_link": "https://service.park.example.cn/s/{suffix}"},
        [
            item("服务名称", "name", required=True, max_length=50),
            item(
                "服务类型",
                "service_type",
                E,
                required=True,
                choices=["网络接入", "数据中心", "视频监控", "门禁", "停车管理", "能耗监测平台"],
            ),
            item(
                "服务地址",
                "service_url",
                pattern=r"https?://\S+",
                pattern_hint="http:// 或 https:// 开头的网址",
            ),
            item("服务提供方", "provider", max_length=100),
            item("可用性承诺", "sla", N, precision=2, unit="%", min=0, max=100),
            item("上线日期", "launched_on", D),
            item("接口文档", "api_doc", F, extensions=["pdf", "html", "md"]),
            item("管理账号", "admin_account", grade=G3, max_length=50),
        ],
    ),
    (
        "PARK-PERSONNEL",
        "园区人员模板",
        ObjectCategory.PERSONNEL,
        ("L", "72", "726", "7269"),
        {},
        [
            # A person's name is personal information: 二级 and never public.
            item("姓名", "name", required=True, max_length=30, grade=G2),
            item("岗位", "position", max_length=50),
            item("所属单位", "employer", required=True, max_length=100),
            item(
                "人员类别",
                "person_type",
                E,
                required=True,
                choices=["园区管理", "物业服务", "安保", "保洁", "访客"],
            ),
            item("入园日期", "entered_on", D),
            item("手机号", "mobile", grade=G2, pattern=r"1\d{10}", pattern_hint="11 位手机号"),
            item(
                "身份证号",
                "id_card_no",
                grade=G3,
                pattern=r"\d{17}[\dX]",
                pattern_hint="18 位身份证号",
            ),
            item("资质证书", "certificate", F, grade=G2),
        ],
    ),
    (
        "PARK-BILL",
        "园区账单模板",
        ObjectCategory.BILL,
        ("K", "70", "702", "7020"),
        {},
        [
            item("账单名称", "name", required=True, max_length=50),
            item(
                "账单编号",
                "bill_no",
                required=True,
                unique=True,
                pattern=r"[A-Z]{2}\d{8,12}",
                pattern_hint="例如 WY202403001",
            ),
            item(
                "账单类型",
                "bill_type",
                E,
                required=True,
                choices=["物业费", "水费", "电费", "燃气费", "租金", "停车费"],
            ),
            item(
                "计费周期",
                "billing_period",
                required=True,
                pattern=r"\d{4}-(0[1-9]|1[0-2])",
                pattern_hint="YYYY-MM",
            ),
            item("金额", "amount", N, required=True, grade=G2, precision=2, unit="元", min=0),
            item("付款方", "payer", grade=G2, max_length=100),
            item("到期日期", "due_on", D),
            item("缴费状态", "pay_status", E, choices=["未缴", "已缴", "逾期"], public=False),
            item("账单附件", "bill_file", F, grade=G2, extensions=["pdf"]),
        ],
    ),
    (
        "PARK-RND",
        "企业研发设计模板",
        ObjectCategory.RND_DESIGN,
        ("M", "73", "732", "7320"),
        {},
        [
            item("项目名称", "name", required=True, max_length=60),
            item("项目编号", "project_no", required=True, unique=True, max_length=30),
            item(
                "设计阶段",
                "design_stage",
                E,
                required=True,
                choices=["概念设计", "方案设计", "详细设计", "试制", "定型"],
            ),
            item("立项日期", "started_on", D),
            item(
                "图纸版本",
                "drawing_version",
                max_length=20,
                pattern=r"[A-Z]?\d+(\.\d+)*",
                pattern_hint="例如 V2.1 或 2.1",
            ),
            item("负责人", "lead", grade=G2, max_length=30),
            item("知识产权编号", "ip_no", grade=G2, max_length=50),
            item("设计文件", "design_file", F, grade=G3, extensions=["pdf", "dwg", "step", "zip"]),
        ],
    ),
    (
        "PARK-MFG",
        "企业生产制造模板",
        ObjectCategory.MANUFACTURING,
        ("C", "38", "382", "3821"),
        {"use_check_character": True},
        [
            item("产品名称", "name", required=True, max_length=60),
            item("产品型号", "model", required=True, max_length=50),
            item("生产批次", "batch_no", required=True, max_length=30),
            item("生产日期", "produced_on", D, required=True),
            item("生产线", "production_line", max_length=30, public=False),
            item("质检结果", "qc_result", E, required=True, choices=["合格", "不合格", "待检"]),
            item("执行标准", "standard", max_length=60, help_text="例如 GB/T 1094.1-2013"),
            item("额定容量", "rated_capacity", N, precision=1, unit="kVA", min=0),
            item("工艺参数", "process_params", grade=G3, max_length=500),
            item("原料批次", "material_batch", R, grade=G2),
            item("合格证", "certificate_file", F, extensions=["pdf", "jpg", "png"]),
        ],
    ),
    (
        "PARK-LOGISTICS",
        "企业物流设备模板",
        ObjectCategory.LOGISTICS,
        ("G", "59", "592", "5920"),
        {},
        [
            item("设备名称", "name", required=True, max_length=50),
            item(
                "设备类型",
                "equipment_type",
                E,
                required=True,
                choices=["叉车", "AGV", "货架", "托盘", "集装箱", "运输车辆"],
            ),
            item("设备型号", "model", max_length=50),
            item("额定载重", "rated_load", N, precision=2, unit="t", min=0, max=100),
            item("购置日期", "purchased_on", D),
            item("所在仓库", "warehouse", R, **BUILDING_REF),
            item("定位终端编号", "tracker_id", grade=G2, max_length=40),
        ],
    ),
    (
        "PARK-ENT-BILL",
        "企业账票模板",
        ObjectCategory.ENTERPRISE_BILL,
        ("L", "72", "724", "7241"),
        {"use_check_character": True},
        [
            item("票据名称", "name", required=True, max_length=60),
            item("票据编号", "document_no", required=True, unique=True, max_length=40),
            item(
                "票据类型",
                "document_type",
                E,
                required=True,
                choices=["采购订单", "销售订单", "发货单", "入库单", "发票"],
            ),
            item("开具日期", "issued_on", D, required=True),
            item("金额", "amount", N, grade=G2, precision=2, unit="元", min=0),
            item("交易对方", "counterparty", grade=G2, max_length=100),
            item("关联物料", "related_object", R),
            item("电子凭证", "voucher_file", F, grade=G3, extensions=["pdf", "ofd", "xml"]),
        ],
    ),
    (
        "PARK-ENT-STAFF",
        "企业人员模板",
        ObjectCategory.ENTERPRISE_PERSONNEL,
        ("L", "72", "726", "7269"),
        {},
        [
            item("姓名", "name", required=True, max_length=30, grade=G2),
            item("工号", "employee_no", required=True, unique=True, max_length=20),
            item("部门", "department", max_length=50, public=False),
            item("岗位", "position", max_length=50, public=False),
            item("入职日期", "hired_on", D, grade=G2),
            item("特种作业证书", "special_cert", F, grade=G2),
            item("身份证号", "id_card_no", grade=G3, pattern=r"\d{17}[\dX]", pattern_hint="18 位身份证号"),
        ],
    ),
]


def _national_item_specs() -> dict[str, dict]:
    return {spec["code"]: spec for spec in NATIONAL_ITEMS}


@transaction.atomic
def ensure_seed_templates() -> dict[str, MetadataTemplate]:
    """Create and publish the seed templates that do not exist yet. Returns them by code."""
    from apps.metadata import services
    from apps.metadata.selectors import template_current_version

    existing = {t.code: t for t in MetadataTemplate.objects.filter(owner__isnull=True)}
    wanted = {NATIONAL_CODE, *(spec[0] for spec in PARK_TEMPLATES)}
    if wanted <= set(existing) and all(
        template_current_version(existing[code]) is not None for code in wanted
    ):
        return {code: existing[code] for code in wanted}

    national = existing.get(NATIONAL_CODE)
    if national is None:
        national = services.template_create(
            code=NATIONAL_CODE,
            name="国家通用核心元数据模板",
            level=TemplateLevel.NATIONAL,
            category=ObjectCategory.GENERAL,
            description="工业互联网标识运营机构统一定义的核心数据项，所有园区和企业模板继承。",
        )
    if template_current_version(national) is None:
        draft = services.template_version_create_draft(template=national)
        if not draft.items.exists():
            for index, spec in enumerate(NATIONAL_ITEMS, start=2000):
                services.template_item_add(version=draft, index=index, **spec)
        services.template_version_publish(version=draft, note="初始版本")
    result = {NATIONAL_CODE: national}
    national_specs = _national_item_specs()
    for code, name, category, industry, extra, items in PARK_TEMPLATES:
        template = existing.get(code)
        if template is None:
            template = services.template_create(
                code=code,
                name=name,
                level=TemplateLevel.PARK,
                category=category,
                parent=national,
                industry_section=industry[0],
                industry_division=industry[1],
                industry_group=industry[2],
                industry_class=industry[3],
                **extra,
            )
        if template_current_version(template) is None:
            draft = services.template_version_create_draft(template=template)
            if not draft.items.exists():
                next_index = 2100
                for spec in items:
                    national_spec = national_specs.get(spec["code"])
                    if national_spec is not None:
                        # Overrides the national item (same code and index): renames and tightens it.
                        index = 2000 + NATIONAL_ITEMS.index(national_spec)
                    else:
                        index, next_index = next_index, next_index + 1
                    services.template_item_add(version=draft, index=index, **spec)
            services.template_version_publish(version=draft, note="初始版本")
        result[code] = template
    return result


def load(stdout=None) -> None:
    templates = ensure_seed_templates()
    if stdout is not None:
        stdout.write(f"metadata: {len(templates)} 个已发布的国家/园区模板")
    _load_enterprise_examples(stdout)


def _load_enterprise_examples(stdout=None) -> None:
    """For the first active enterprise of the demo: its own template and one pending request."""
    from apps.metadata import services
    from apps.metadata.models import TemplateChangeRequest
    from apps.metadata.selectors import template_get_by_code
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    enterprise = (
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, is_park_operator=False)
        .order_by("id")
        .first()
    )
    if enterprise is None:
        return
    parent = template_get_by_code("PARK-MFG")
    code = f"ENT-{enterprise.code.upper()}-PRODUCT"
    if (
        template_get_by_code(code, owner=enterprise) is None
        or not MetadataTemplate.objects.filter(
            owner=enterprise, code=code, versions__status="published"
        ).exists()
    ):
        template = template_get_by_code(code, owner=enterprise)
        if template is None:
            template = services.enterprise_template_create(
                enterprise=enterprise,
                parent=parent,
                code=code,
                name=f"{enterprise} 变压器产品模板",
                description="在园区生产制造模板上增加本企业变压器产品的技术参数。",
                items=[
                    item("冷却方式", "cooling", E, choices=["ONAN", "ONAF", "AN", "AF"]),
                    item("联结组别", "vector_group", max_length=20, help_text="例如 Dyn11"),
                    item("空载损耗", "no_load_loss", N, precision=2, unit="kW", min=0),
                    item("出厂试验报告", "test_report", F, grade=G2, extensions=["pdf"]),
                ],
            )
        draft = services.template_version_create_draft(template=template)
        services.template_version_publish(version=draft, note="初始版本")
    if not TemplateChangeRequest.objects.filter(enterprise=enterprise).exists():
        services.change_request_create(
            template=parent,
            enterprise=enterprise,
            actor=None,
            proposed_item=item("碳足迹", "carbon_footprint", N, precision=2, unit="kgCO2e", min=0),
            reason="下游客户要求产品标识携带碳足迹数据，建议园区模板统一增加。",
        )
    if stdout is not None:
        stdout.write(f"metadata: 企业 {enterprise} 的企业模板 {code} 与一条待审核的变更申请")
