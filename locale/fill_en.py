"""Fill English translations into locale/en/LC_MESSAGES/django.po for the strings listed here.

Run after ``manage.py makemessages -l en``; entries already translated are kept. Other apps may
add their own dictionaries beside this one (``locale/en_<app>.py`` with ``EN = {...}``).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"

EN = {
    "园区": "Park",
    "登录安全": "Login security",
    "无": "None",
    "园区管理员": "Park administrator",
    "园区运营人员": "Park operator",
    "园区审计员": "Park auditor",
    "企业管理员": "Enterprise administrator",
    "企业成员": "Enterprise member",
    "登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试": "Too many failed logins: the account is locked. Try again in %(minutes)s minutes",
    "用户名或密码错误": "Wrong username or password",
    "您已长时间未操作，请重新登录": "You were inactive for too long. Please log in again",
    "姓名": "Name",
    "手机": "Mobile",
    "园区角色": "Park role",
    "连续登录失败次数": "Consecutive failed logins",
    "锁定至": "Locked until",
    "密码修改时间": "Password changed at",
    "用户": "User",
    "企业": "Enterprise",
    "角色": "Role",
    "密码须包含大写字母、小写字母、数字、符号中的至少三类": "The password must mix at least three of: upper case, lower case, digits, symbols",
    "操作者": "Actor",
    "操作": "Action",
    "对象类型": "Object type",
    "对象 ID": "Object ID",
    "租户": "Tenant",
    "开始日期": "From",
    "结束日期": "To",
    "全部对象类型": "All object types",
    "全部租户": "All tenants",
    "结束日期不能早于开始日期": "The end date cannot be before the start date",
    "时间": "Time",
    "操作人": "User",
    "用户名、任务名或 system": "Username, task name or system",
    "对象": "Object",
    "变更": "Changes",
    "{字段: [修改前, 修改后]}": "{field: [before, after]}",
    "请求 ID": "Request ID",
    "客户端 IP": "Client IP",
    "前一条哈希": "Previous hash",
    "哈希": "Hash",
    "审计日志": "Audit log",
    "字段": "Field",
    "修改前": "Before",
    "修改后": "After",
    "筛选": "Filter",
    "清除": "Clear",
    "没有符合条件的记录": "No matching entries",
    "创建时间": "Created",
    "更新时间": "Updated",
    "企业工作台": "Enterprise dashboard",
    "统一社会信用代码": "Unified social credit code",
    "企业代码": "Enterprise code",
    "园区标识一体化门户": "Park Identifier Portal",
    "工业互联网标识解析园区节点：企业入驻、标识注册、标识解析与园区运营一体化服务。": "Industrial Internet identifier node of the park: enterprise onboarding, identifier registration, resolution and park operations in one place.",
    "企业入驻申请": "Apply to join the park",
    "登录": "Log in",
    "标识解析": "Identifier resolution",
    "标识": "Identifier",
    "解析": "Resolve",
    "园区工作台": "Park dashboard",
    "已暂停": "Suspended",
    "已驳回": "Rejected",
    "状态": "Status",
    "标识前缀": "Identifier prefix",
    "已批准": "Approved",
    "驳回原因": "Reason for rejection",
    "标题": "Title",
    "申请时间": "Applied",
    "审核": "Review",
    "驳回": "Reject",
    "提交申请": "Submit application",
    "消息": "Message",
    "全部状态": "All states",
    "保存": "Save",
    "搜索": "Search",
    "任务": "Tasks",
    "开始时间": "Started",
    "结束时间": "Finished",
    "园区名称": "Park name",
    "节点模式": "Node mode",
    "企业名称": "Enterprise name",
    "已开通": "Active",
    "尝试次数": "Attempts",
    "失败": "Failed",
    "排队中": "Queued",
    "运行中": "Running",
    "已完成": "Succeeded",
    "重试中": "Retrying",
    "Celery 任务 ID": "Celery task ID",
    "Schema": "Schema",
    "发起人": "Started by",
    "进度": "Progress",
    "结果": "Result",
    "任务运行": "Task run",
    "任务运行在 %(actual)s，而不是 %(expected)s": "The task ran in %(actual)s, not in %(expected)s",
    "已统计 %(n)s / %(total)s 张表": "Counted %(n)s / %(total)s tables",
    "暂无任务": "No tasks yet",
    "已申请": "Applied",
    "二级节点": "Secondary node",
    "企业节点": "Enterprise node",
    "该统一社会信用代码已提交过申请": "An application with this unified social credit code already exists",
    "企业代码已被使用": "This enterprise code is already taken",
    "请填写驳回原因": "Please give a reason for the rejection",
    "暂停原因": "Reason for suspension",
    "简称": "Short name",
    "标识前缀中的企业段，字母和数字，最多 20 位": "The enterprise segment of the identifier prefix: letters and digits, at most 20",
    "联系人": "Contact",
    "联系电话": "Contact phone",
    "联系邮箱": "Contact e-mail",
    "国民经济行业分类": "Industry (GB/T 4754)",
    "GB/T 4754 代码": "GB/T 4754 code",
    "地址": "Address",
    "园区运营方": "Park operator",
    "批准时间": "Approved at",
    "域名": "Domain",
    "园区代码": "Park code",
    "国家代码": "Country code",
    "园区域名": "Park domain",
    "运营方": "Operator",
    "入驻企业": "Enterprises",
    "园区尚未初始化，请先运行 manage.py bootstrap": "The park is not set up yet: run manage.py bootstrap first",
    "园区运营方无需审批": "The park operator needs no approval",
    "该企业状态为“%(status)s”，不能批准": "This enterprise is “%(status)s” and cannot be approved",
    "域名 %(domain)s 已被占用": "The domain %(domain)s is already taken",
    "只能驳回待审核的申请（当前状态：%(status)s）": "Only pending applications can be rejected (current status: %(status)s)",
    "不能暂停园区运营方": "The park operator cannot be suspended",
    "只能暂停已开通的企业": "Only active enterprises can be suspended",
    "申请已提交": "Application submitted",
    "园区管理员审核后将通知您。": "You will be notified once a park administrator has reviewed it.",
    "返回首页": "Back to the home page",
    "%(name)s 已开通": "%(name)s is active",
    "企业门户": "Enterprise portal",
    "企业管理员账号": "Enterprise administrator account",
    "初始密码": "Initial password",
    "初始密码仅显示这一次，请通过安全渠道交给企业管理员，并提醒其首次登录后修改密码。": "The initial password is shown only this once. Hand it to the enterprise administrator over a secure channel and ask them to change it at first login.",
    "返回企业详情": "Back to the enterprise",
    "批准并开通": "Approve and activate",
    "暂停": "Suspend",
    "恢复": "Resume",
    "名称、企业代码或信用代码": "Name, enterprise code or credit code",
    "暂无企业": "No enterprises",
    "统一社会信用代码无效：应为 18 位且校验位正确": "Invalid unified social credit code: it must have 18 characters and a correct check character",
    "企业代码只能包含字母和数字，长度 1–20 位": "The enterprise code may contain only letters and digits, 1–20 characters",
    "园区代码应为 3 位字母或数字": "The park code must be 3 letters or digits",
    "申请已提交，园区管理员审核后将通过邮件通知您": "Application submitted. You will be notified by e-mail after a park administrator has reviewed it",
    "该企业已开通，未做任何更改": "This enterprise is already active; nothing was changed",
    "已驳回该申请": "The application was rejected",
    "已暂停该企业": "The enterprise was suspended",
    "已恢复该企业": "The enterprise was resumed",
    "简体中文": "简体中文",
    "English": "English",
    "无权访问": "Access denied",
    "您没有访问此页面的权限。如需访问，请联系管理员。": "You do not have permission to see this page. Ask an administrator if you need access.",
    "页面不存在": "Page not found",
    "您访问的页面不存在或已被移除。": "The page does not exist or has been removed.",
    "修改密码": "Change password",
    "密码已修改": "Password changed",
    "主导航": "Main navigation",
    "退出": "Log out",
    "工业互联网园区标识一体化门户": "Industrial Internet Park Identifier Portal",
    "分页": "Pagination",
    "上一页": "Previous",
    "下一页": "Next",
    "第 %(n)s / %(total)s 页，共 %(c)s 条": (
        "Page %(n)s of %(total)s, %(c)s entry",
        "Page %(n)s of %(total)s, %(c)s entries",
    ),
}


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _quote(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


def _unquote(lines: list[str]) -> str:
    raw = "".join(re.findall(r'^"(.*)"$', line)[0] for line in lines)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw)


def translations() -> dict:
    table = dict(EN)
    for extra in sorted(HERE.glob("en_*.py")):
        spec = importlib.util.spec_from_file_location(extra.stem, extra)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        table.update(getattr(module, "EN", {}))
    return table


def fill(po: Path = PO) -> int:
    table = translations()
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    filled = 0
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        starts = [n for n, line in enumerate(lines) if line.startswith(("msgid ", "msgid_plural ", "msgstr"))]
        if not starts or not lines[starts[0]].startswith("msgid "):
            continue
        # Group each keyword with its continuation lines.
        parts: dict[str, list[str]] = {}
        order = []
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            key, first = lines[start].split(" ", 1)
            parts[key] = [first] + lines[start + 1 : end]
            order.append(key)
        msgid = _unquote(parts["msgid"])
        if not msgid or msgid not in table:
            continue
        value = table[msgid]
        head = lines[: starts[0]]
        # Drop the fuzzy flag (alone or among others) and the previous-msgid comments it came with.
        head = [line for line in head if line != "#, fuzzy" and not line.startswith("#| ")]
        head = ["#, " + line[len("#, fuzzy, ") :] if line.startswith("#, fuzzy, ") else line for line in head]
        body = [f"msgid {parts['msgid'][0]}", *parts["msgid"][1:]]
        if "msgid_plural" in parts:
            singular, plural = value if isinstance(value, tuple) else (value, value)
            body += [f"msgid_plural {parts['msgid_plural'][0]}", *parts["msgid_plural"][1:]]
            body += [f"msgstr[0] {_quote(singular)}", f"msgstr[1] {_quote(plural)}"]
        else:
            body.append(f"msgstr {_quote(value if isinstance(value, str) else value[0])}")
        blocks[i] = "\n".join(head + body)
        filled += 1
    po.write_text("\n\n".join(blocks), encoding="utf-8")
    return filled


if __name__ == "__main__":
    print(f"{fill()} English translations filled in {PO.relative_to(HERE.parent)}")
