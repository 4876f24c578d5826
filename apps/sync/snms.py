"""The Teleinfo SNMS v5 secondary-node API: its field names, status codes and value shapes.

Source: teleinfo-dev/id-guide, docs/dev-tools/snms/v5 (identity-auth.md, template.md,
handle-operate.md), docs/dev-tools/snms/attachment.md, and docs/openApi/v5/prefix.md and
ent.md from that repository's history (commit 08002bf). Both our server (apps.sync.server) and
our client (apps.sync.client) use only the names written here.

Envelope (every reply)::

    {"status": <int>, "message": <str>, "data": <any>}

    status  1  成功
           -1  没有登录，需要验证        (missing / expired token)
           -2  业务失败, 错误原因请参见message字段
           -3  没有权限
           -4  系统内部错误
    The token is valid for 24 h ("token会在24h后实效").

Token (identity-auth.md)::

    POST /identity/token          body {"username": <=50, "password": <=64}   (明文传输)
        → data {"token": "..."}   error: status -2 "用户名/密码错误！"
    POST /identity/token/v1       same body, password = sha256hex(sha256hex(password) + "yyyy-MM-dd")
                                  (密文传输; lower-case hex; the doc's example: "123456" on
                                  2019-08-15 → 58e2c92c…7661)
    Later calls send ``Authorization: Bearer <token>``, ``Content-Type: application/json``.
    Every call but the two token requests answers -1 without a valid token, the detail read too.

    Our reading of /v1 (the page names no window): the date is the park's (TIME_ZONE); within
    TOKEN_V1_DATE_SKEW (15 minutes) of midnight the date on the other side of it is accepted
    too, for a client whose clock is a little off; at other times only today's. Both paths
    refuse alike (unknown user, wrong password or digest, inactive or locked account: the same
    -2) and their failures count toward the same login lockout. The server checks /v1 against
    sha256(password), kept encrypted when a password is set (ApiPasswordDigest); an account
    whose password was set before that existed gets it on its next plain /identity/token.

Templates (template.md), path ``/snms/api/v5/template``::

    GET    ?prefix=88.101.5&version=1.0.1
        → data {id, prefix, name, version, description, industryCategory, industrySpecific,
                industryTrade, industrySubclass, type (1 主动标识载体 / 2 其他), handle,
                items: [{name, idType, idIndex, metadataId, required, state (0 禁用 / 1 启用),
                         metadata: {type: "string", minLength, maxLength}}]}
    POST   body {prefix, version, industryCategory, industrySpecific, industryTrade,
                 industrySubclass, type, description, items: [{name, idType, idIndex (>= 2000),
                 required, metadata: {type, minLength, maxLength}}]}      → data true
    PUT    same body, items[i].state required; items are incremental (never deleted, only
           disabled); version may not change                             → data true
    DELETE body {prefix, version}                                         → data true
    Items are strings only ("现只支持String"); idIndex starts at 2000.

    Our mapping (apps.sync.template_import): an SNMS template is one of our typed templates; the
    POST and every PUT publish a new internal version of it, and the SNMS version string keeps
    naming the latest. A PUT may loosen a rule (a longer maxLength, required → optional, a
    disabled item enabled again), as the documentation lets an owner edit a template; published
    versions never change. Identifiers registered under an earlier internal version stay valid
    and keep it (their values were valid for it; resolution serves them unchanged) until they
    are written again through the SNMS API (PUT /identityv2/data, batchUpdate), which validates
    them against the latest one and moves them to it. The detail answers every one of them with
    the SNMS version string. GET answers the documented fields as they were sent: ``type`` as
    created or last edited, items' metadata as {type: "string", minLength, maxLength}. DELETE
    is refused while a live identifier uses any version of the template; once they are all
    deleted (注销) the name is released (the versions stay, for the deleted identifiers).

Identifiers (handle-operate.md)::

    GET    /identityv2/data/detail?handle=88.709.911/123     (token required, as everywhere)
        → data {prefix, handle, templateVersion,
                value: [{auth, index, type, data: {format: "string", value}}]}
           templateVersion (and the index-1001 value): the SNMS version string of the
           identifier's template; for a template not made through the API, our own
           "<template code>-v<number>", which the API takes back. The values are the public
           ones plus those the caller may read. Anonymous reads: /api/handles/<h>, /<h>.
    POST   /identityv2/data        body {handle (<=255), templateVersion (<=128),
                                         value: [{auth, index, type, data: {format, value (<=255)}}]}
                                                                          → data true
    PUT    /identityv2/data        same body                              → data true
    DELETE /identityv2/data        body {handle}                          → data true
           error: status -2 "没有找到标识"
    POST   /identityv2/data/batchCreate   body [<identifier body>, ...]
    PUT    /identityv2/data/batchUpdate   body [<identifier body>, ...]
        → status 1, data [{handle, msg: "success" | <reason, e.g. "标识已存在">}]
          a handle named twice in one batchCreate: the second answers "标识已存在" (the doc's
          example) once the first is registered
    DELETE /identityv2/data/batchDelete   body ["88.709.612/cc", ...]
        → status 1, data [{handle, code: 1 | -2, msg: "success" | "标识不存在"}]
    value[i].index may not be 1001 (reserved; the template version); value[i].data.format is
    "string". A batch holds at most 2000 entries ("批量注册最大支持2000条"); 100–1500 advised.
    HTTP 504 on a write means "maybe committed": register again, "已存在" means it was.

Prefixes (openApi/v5/prefix.md)::

    GET  /snms/api/prefix/query?prefix=88.709.1
        → data {prefix, createDate, ghrName, status, entNameCn, entWebSite, entIndustry,
                entAddrCn, entDesc}
          status 0 停用 1 启用 2 待删除 3 被驳回 4 待审核 5 审核中
    GET  /snms/api/prefix/page?entName=&entPrefix=&startDate=&endDate=&currentPage=&pageSize=
        → data {first, last, totalPages, totalElements, number, size, sort, numberOfElements,
                content: [{id, createDate, updateDate, entPrefix, entId, state (0/1), entName,
                           proxyState (1 未托管 2 托管申请中 3 托管被驳回 4 已托管)}]}

Enterprise application (openApi/v5/ent.md)::

    POST /snms/api/v3/ent/apply           body {sysUser {userName, password, email, mobile,
                                                remarks}, entBasicInfo {...}, entRegisterManageInfo,
                                                entHostingAndIdentifyServeInfo}   → data true
    POST /snms/api/v3/ent/upgrade-apply   same without sysUser (user registered beforehand)
    entBasicInfo fields we read: orgName, orgCrtType (1 统一社会信用代码), orgCrtCode, orgAddr,
    industryCategory, industrySpecific, website, orgDesc, contactName, contactPhone,
    contactEmail, entPrefix (<=64).

Our extension (not in SNMS; only another instance of this project offers it, used by
reconciliation and answered with the same envelope)::

    GET /snms/api/ext/prefix/digest?prefix=...            → data {prefix, count, checksum}
    GET /snms/api/ext/prefix/handles?prefix=...&after=&size=
        → data {items: [{handle, digest}], next: <handle or null>}
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from apps.metadata.models import FIRST_ITEM_INDEX
from apps.tenants.upstream import ENT_BASIC_INFO_REQUIRED

STATUS_OK = 1
STATUS_UNAUTHENTICATED = -1
STATUS_BUSINESS = -2
STATUS_FORBIDDEN = -3
STATUS_INTERNAL = -4

BATCH_MAX = 2000
BATCH_ADVISED = 1500
TOKEN_LIFETIME_SECONDS = 24 * 3600
# /identity/token/v1: how far from midnight (park time) the date on the other side is accepted.
TOKEN_V1_DATE_SKEW = timedelta(minutes=15)

# SNMS prefix status codes (prefix.md)
PREFIX_DISABLED = 0
PREFIX_ENABLED = 1
PREFIX_TO_DELETE = 2
PREFIX_REJECTED = 3
PREFIX_AWAITING_REVIEW = 4
PREFIX_UNDER_REVIEW = 5

# Messages whose meaning the client relies on (we write them; other nodes word them alike)
MSG_SUCCESS = "success"
MSG_BAD_CREDENTIALS = "用户名/密码错误！"  # identity-auth.md, both token paths
MSG_EXISTS = "标识已存在"
MSG_NOT_FOUND = "标识不存在"
MSG_NOT_FOUND_SINGLE = "没有找到标识"
EXISTS_MARKERS = ("已存在", "already exist")
NOT_FOUND_MARKERS = ("不存在", "没有找到", "not found", "not exist")


# Enterprise application (openApi/v5/ent.md): the fields marked 必填, by object.
ENT_APPLY_REQUIRED = {
    "sysUser": ("userName", "password", "email", "mobile"),
    "entBasicInfo": ENT_BASIC_INFO_REQUIRED,
    "entRegisterManageInfo": ("entInfoSyses", "servSysBuildType", "servSysOperType"),
}
ENT_APPLY_ENUMS = {
    "entBasicInfo.orgNature": {"1", "2", "3", "4", "5"},  # 国有控股 民营控股 外商控股 事业单位 民营非盈利组织
    "entBasicInfo.orgCrtType": {"1", "2"},  # 统一社会信用代码 / 其他
    "entBasicInfo.contactCrtType": {"1", "2", "3"},  # 身份证 护照 其他
    "entRegisterManageInfo.servSysBuildType": {"1", "2"},  # 自营 委托
    "entRegisterManageInfo.servSysOperType": {"1", "2"},
}
# entInfoSyses: 1 标识注册系统 2 标识注册数据 3 注册数据备份 4 解析服务器 (required), 5 标识服务系统备份;
# deployMode 1 本地化部署 (province, city, county and address required) / 2 云部署 (name required).
ENT_SYS_TYPES_REQUIRED = (1, 2, 3, 4)
ENT_DEPLOY_LOCAL_REQUIRED = ("deployAddrProvince", "deployAddrCity", "deployAddrCounty", "deployAddr")
ENT_DEPLOY_CLOUD_REQUIRED = ("name",)


def envelope(status: int, message: str, data: Any = None) -> dict:
    return {"status": status, "message": message, "data": data}


def is_exists_message(msg: str) -> bool:
    text = (msg or "").lower()
    return any(marker in text for marker in EXISTS_MARKERS)


def is_not_found_message(msg: str) -> bool:
    text = (msg or "").lower()
    return any(marker in text for marker in NOT_FOUND_MARKERS)


def as_string(value: Any) -> str:
    """SNMS carries strings only: numbers/booleans in their plain form, structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return format(value, "g") if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def item_values(values: list[dict]) -> list[dict]:
    """Handle-form values → SNMS ``value`` list: template items only (index >= 2000), strings."""
    out = []
    for entry in values or []:
        try:
            index = int(entry.get("index"))
        except (TypeError, ValueError):
            continue
        if index < FIRST_ITEM_INDEX:
            continue
        data = entry.get("data") or {}
        raw = data.get("value") if isinstance(data, dict) else data
        out.append(
            {
                "auth": "",
                "index": index,
                "type": str(entry.get("type") or ""),
                "data": {"format": "string", "value": as_string(raw)},
            }
        )
    out.sort(key=lambda v: v["index"])
    return out


def template_version_of(values: list[dict], default: str = "") -> str:
    """The SNMS ``templateVersion`` of an identifier: its index-1001 value when it has one."""
    from apps.identifiers.models import INDEX_TEMPLATE_VERSION

    for entry in values or []:
        if str(entry.get("index")) == str(INDEX_TEMPLATE_VERSION):
            data = entry.get("data") or {}
            value = data.get("value") if isinstance(data, dict) else data
            if value not in (None, ""):
                return as_string(value)
    return default


def values_digest(snms_values: list[dict]) -> str:
    """Digest of an identifier's SNMS item values; equal on both nodes when the values agree."""
    canonical = sorted((int(v["index"]), str(v["type"]), str(v["data"]["value"])) for v in snms_values)
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:32]


def prefix_checksum(pairs: list[tuple[str, str]]) -> str:
    """Checksum of a prefix: sha256 over its sorted (lower-cased handle, values digest) pairs."""
    h = hashlib.sha256()
    for handle, digest in sorted((hd.lower(), dg) for hd, dg in pairs):
        h.update(f"{handle}\t{digest}\n".encode())
    return h.hexdigest()
