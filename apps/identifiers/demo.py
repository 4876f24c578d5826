"""Demo identifiers: a few hundred objects across the categories, registered through the
registration service (so the demo has audit entries, outbox rows and restricted values in the
enterprises' schemas like real data).

The park operator registers the park's public facilities (roads, lighting, buildings ...)
under ``88.101.<operator code>``; each demo enterprise registers its own objects. Object codes
are deterministic, so running ``load`` again registers nothing twice.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from apps.identifiers.choices import IdentifierStatus, PrefixStatus
from apps.identifiers.models import Identifier, Prefix

PER_PARK_TEMPLATE = 16
PER_ENTERPRISE_TEMPLATE = 15

ROADS = ["星湖街", "金鸡湖大道", "唯亭路", "春辉路", "现代大道", "星华街", "苏虹路", "东环路"]
PLANTS = ["香樟、桂花", "银杏、紫薇", "水杉、杜鹃", "广玉兰、红叶石楠", "榉树、麦冬"]
ORGS = ["园区市政养护中心", "苏州园林绿化工程有限公司", "园区能源服务有限公司", "园区环境监测站"]
PEOPLE = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐涛", "孙悦"]
DEPARTMENTS = ["生产部", "质量部", "研发中心", "仓储物流部", "财务部", "设备部"]

NAMES = {
    "PARK-ROAD": lambda n: f"{ROADS[n % len(ROADS)]}第{n}段",
    "PARK-ENERGY": lambda n: f"{n}号{['变电站', '光伏电站', '储能站', '充电桩群'][n % 4]}",
    "PARK-ENV": lambda n: f"{n}号{['污水处理站', '废气处理设施', '噪声监测点', '固废暂存间'][n % 4]}",
    "PARK-BUILDING": lambda n: f"{'ABCDEF'[n % 6]}{n}栋{['标准厂房', '仓库', '研发楼', '综合楼'][n % 4]}",
    "PARK-LIGHTING": lambda n: f"{ROADS[n % len(ROADS)]}{n}号路灯",
    "PARK-GREENING": lambda n: f"{ROADS[n % len(ROADS)]}绿地{n}",
    "PARK-INFO": lambda n: (
        ["园区一网通办", "企业服务热线", "智慧停车", "能耗监测平台", "访客预约"][n % 5] + f"{n}"
    ),
    "PARK-PERSONNEL": lambda n: f"{PEOPLE[n % len(PEOPLE)]}{n}",
    "PARK-BILL": lambda n: f"2026年{(n % 12) + 1}月{['水费', '电费', '物业费', '租金'][n % 4]}账单",
    "PARK-RND": lambda n: f"{['智能电表', '工业网关', '伺服驱动器', '传感器模组'][n % 4]}设计项目{n}",
    "PARK-MFG": lambda n: f"{['干式变压器', '精密轴承', '功率模块', '环保涂料'][n % 4]}{n}",
    "PARK-LOGISTICS": lambda n: f"{n}号{['叉车', 'AGV', '货架', '托盘'][n % 4]}",
    "PARK-ENT-BILL": lambda n: f"{['采购订单', '销售订单', '发货单', '入库单'][n % 4]}{2026000 + n}",
    "PARK-ENT-STAFF": lambda n: f"{PEOPLE[n % len(PEOPLE)]}",
}

SPECIFIC = {
    "building_no": lambda n, r: f"{'ABCDEF'[n % 6]}{n}",
    "discharge_permit": lambda n, r: f"91320594MA1MCP7T04{n:03d}P",
    "service_url": lambda n, r: f"https://service.park.example.cn/app/{n}",
    "mobile": lambda n, r: f"1381234{n:04d}",
    "contact_phone": lambda n, r: f"0512-6688{n:04d}",
    "id_card_no": lambda n, r: f"3205011990{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n:03d}X",
    "bill_no": lambda n, r: f"YQ2026{n:06d}",
    "billing_period": lambda n, r: f"2026-{(n % 12) + 1:02d}",
    "drawing_version": lambda n, r: f"V{1 + n % 3}.{n % 10}",
    "project_no": lambda n, r: f"RD-2026-{n:03d}",
    "employee_no": lambda n, r: f"E{n:05d}",
    "document_no": lambda n, r: f"DOC2026{n:06d}",
    "batch_no": lambda n, r: f"B2026{n:04d}",
    "model": lambda n, r: r.choice(["SCB11-630", "SCB13-800", "6205-2RS", "FF450R12", "CPD30"]),
    "main_plants": lambda n, r: r.choice(PLANTS),
    "maintainer": lambda n, r: r.choice(ORGS),
    "operator_org": lambda n, r: r.choice(ORGS),
    "responsible_org": lambda n, r: "数智产业园运营管理有限公司",
    "provider": lambda n, r: "园区信息中心",
    "admin_account": lambda n, r: f"svc_admin_{n}",
    "employer": lambda n, r: r.choice(["智联精密", "华芯电子", "绿源新材", "园区运营方"]),
    "position": lambda n, r: r.choice(["技术员", "班组长", "工程师", "安全员"]),
    "department": lambda n, r: r.choice(DEPARTMENTS),
    "lead": lambda n, r: r.choice(PEOPLE),
    "counterparty": lambda n, r: r.choice(["上海电气集团", "南京钢铁股份", "宁德时代", "苏州供电公司"]),
    "production_line": lambda n, r: f"总装{'一二三'[n % 3]}线",
    "process_params": lambda n, r: f"绕组温升≤{90 + n % 20}K；浸漆{2 + n % 2}次",
    "tracker_id": lambda n, r: f"GPS-{n:06d}",
    "title_deed_no": lambda n, r: f"苏(2024)苏州工业园区不动产权第{7000000 + n}号",
    "property_owner": lambda n, r: "苏州工业园区投资发展有限公司",
    "payer": lambda n, r: r.choice(["智联精密", "华芯电子", "绿源新材"]),
    "ip_no": lambda n, r: f"ZL2026{n:07d}",
    "grid_access_point": lambda n, r: f"10kV 园区{n % 4 + 1}号开闭所",
    "monitoring_points": lambda n, r: f"电流、电压、温度共 {6 + n % 6} 点",
    "emission_standard": lambda n, r: "GB 8978-1996 一级",
    "standard": lambda n, r: "GB/T 1094.1-2013",
    "description": lambda n, r: "",
}


def _value(item: dict, n: int, rng: random.Random, refs: dict[str, list[str]]) -> str | None:
    code, kind = item["code"], item.get("item_type")
    c = item.get("constraints") or {}
    if code in SPECIFIC:
        return SPECIFIC[code](n, rng) or None
    if kind == "number":
        low = Decimal(str(c.get("min", 0)))
        high = Decimal(str(c.get("max", low + 1000)))
        precision = int(c.get("precision") or 0)
        value = low + (high - low) * Decimal(rng.randint(5, 60)) / 100
        return f"{value:.{precision}f}"
    if kind == "date":
        return (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))).isoformat()
    if kind == "enum":
        choices = c.get("choices") or []
        choice = rng.choice(choices) if choices else None
        return str(choice["value"] if isinstance(choice, dict) else choice) if choice else None
    if kind == "file":
        ext = (c.get("extensions") or ["pdf"])[0]
        return f"https://files.park.example.cn/docs/{code}-{n}.{ext}"
    if kind == "reference":
        pool = refs.get(c.get("ref_category") or "", [])
        return rng.choice(pool) if pool else None
    if c.get("pattern"):
        return None  # an unknown pattern: leave the optional item empty
    return f"{item['name']}{n}"[: int(c.get("max_length") or 100)]


def _values_for(template_code: str, items: list[dict], n: int, rng, refs) -> dict[str, str]:
    values = {"name": NAMES[template_code](n) if template_code in NAMES else f"对象{n}"}
    for item in items:
        if item["code"] == "name" or item.get("state") == "disabled":
            continue
        if not item.get("required") and rng.random() < 0.15:
            continue  # some optional items left empty, as in real data
        value = _value(item, n, rng, refs)
        if value:
            values[item["code"]] = value
    return values


def ensure_prefixes() -> list:
    """Prefix rows for the park operator (public tenant) and any active enterprise missing one."""
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise, Park

    park = Park.objects.first()
    root = park.prefix_root if park else "88.101"
    out = []
    for enterprise in Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("id"):
        prefix = Prefix.objects.filter(enterprise=enterprise, status=PrefixStatus.ACTIVE).first()
        if prefix is None:
            prefix = Prefix.objects.filter(prefix__iexact=f"{root}.{enterprise.code}").first()
            if prefix is None:
                prefix = Prefix.objects.create(
                    prefix=f"{root}.{enterprise.code}", enterprise=enterprise, status=PrefixStatus.ACTIVE
                )
        out.append(prefix)
    return out


def _register_batch(enterprise, template, count: int, refs: dict[str, list[str]], say) -> int:
    from apps.core.errors import ApplicationError
    from apps.identifiers.services import enterprise_prefix, identifier_register
    from apps.metadata.selectors import effective_items, template_current_version

    version = template_current_version(template)
    if version is None:
        return 0
    prefix = enterprise_prefix(enterprise)
    items = effective_items(version)
    stem = template.code.replace("PARK-", "").replace("-", "")[:8]
    existing = set(
        Identifier.objects.filter(prefix=prefix, object_code__startswith=stem).values_list(
            "object_code", flat=True
        )
    )
    rng = random.Random(f"{enterprise.code}-{template.code}")
    created = 0
    for n in range(1, count + 1):
        code = f"{stem}{n:04d}"
        values = _values_for(template.code, items, n, rng, refs)
        if code in existing:
            continue
        try:
            ident = identifier_register(
                actor=None, enterprise=enterprise, template_version=version, values=values, object_code=code
            )
        except ApplicationError as exc:
            # drop the optional values the template refused and try once more
            bad = set(exc.errors)
            required = {i["code"] for i in items if i.get("required")}
            if bad & required:
                say(f"  跳过 {code}: {exc.message}")
                continue
            ident = identifier_register(
                actor=None,
                enterprise=enterprise,
                template_version=version,
                values={k: v for k, v in values.items() if k not in bad},
                object_code=code,
            )
        refs.setdefault(template.category, []).append(ident.handle)
        created += 1
    # references made by later templates can point at objects registered earlier
    refs.setdefault(template.category, []).extend(
        Identifier.objects.filter(
            prefix=prefix, template_version__template=template, status=IdentifierStatus.ACTIVE
        ).values_list("handle", flat=True)[:50]
    )
    return created


def load(stdout=None) -> None:
    from apps.core.request_context import ActorContext, acting
    from apps.metadata.demo import ensure_seed_templates
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    templates = ensure_seed_templates()
    ensure_prefixes()
    operator = Enterprise.objects.filter(is_park_operator=True).first()
    refs: dict[str, list[str]] = {}
    total = 0
    with acting(ActorContext(actor_label="demo")):
        if operator is not None:
            # buildings and roads first: other facilities refer to them
            order = [
                "PARK-BUILDING",
                "PARK-ROAD",
                "PARK-ENERGY",
                "PARK-ENV",
                "PARK-LIGHTING",
                "PARK-GREENING",
            ]
            order += ["PARK-INFO", "PARK-PERSONNEL", "PARK-BILL"]
            for code in order:
                total += _register_batch(operator, templates[code], PER_PARK_TEMPLATE, refs, say)
        enterprise_templates = ["PARK-RND", "PARK-MFG", "PARK-LOGISTICS", "PARK-ENT-BILL", "PARK-ENT-STAFF"]
        for enterprise in Enterprise.objects.filter(
            status=EnterpriseStatus.ACTIVE, is_park_operator=False
        ).order_by("id"):
            for code in enterprise_templates:
                total += _register_batch(enterprise, templates[code], PER_ENTERPRISE_TEMPLATE, refs, say)
    count = Identifier.objects.count()
    say(
        f"identifiers: 新登记 {total} 个标识，共 {count} 个"
        if total
        else f"identifiers: 已有 {count} 个标识，未做改动"
    )
    handle = demo_handle()
    if handle:
        say(f"identifiers: 演示标识 {handle}")


def info(base: str) -> list[str]:
    """demo_info's lines: the demo identifier to try, resolved on the park portal at ``base``."""
    handle = demo_handle()
    return ["", f"Demo identifier  {handle}   →  {base}/{handle}"] if handle else []


def demo_handle() -> str:
    """One public demo identifier to try (a street lamp of the park operator)."""
    qs = Identifier.objects.filter(status=IdentifierStatus.ACTIVE)
    ident = (
        qs.filter(enterprise__is_park_operator=True, template_version__template__code="PARK-LIGHTING")
        .order_by("id")
        .first()
        or qs.order_by("id").first()
    )
    return ident.handle if ident else ""
