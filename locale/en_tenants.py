"""English for the tenants app, memberships and the prefix lifecycle (picked up by
locale/fill_en.py after makemessages)."""

EN = {
    # prefix lifecycle (apps/identifiers/prefixes.py, permissions.py)
    "只能暂停已生效的前缀（当前状态：%(status)s）": "Only an active prefix can be suspended (current status: %(status)s)",
    "只能恢复已暂停的前缀（当前状态：%(status)s）": "Only a suspended prefix can be resumed (current status: %(status)s)",
    "请填写注销原因": "Please give a reason for the revocation",
    "企业“%(name)s”已暂停或未开通，不能登记、修改或注销标识": (
        "Enterprise “%(name)s” is suspended or not active: identifiers cannot be registered, changed or withdrawn"
    ),
    "前缀 %(prefix)s %(status)s，不能登记、修改或注销标识": (
        "Prefix %(prefix)s is %(status)s: identifiers cannot be registered, changed or withdrawn"
    ),
    # enterprise page: prefix actions
    "注销原因": "Reason for revocation",
    "已暂停前缀 %(prefix)s": "Prefix %(prefix)s suspended",
    "已恢复前缀 %(prefix)s": "Prefix %(prefix)s resumed",
    "已注销前缀 %(prefix)s": "Prefix %(prefix)s revoked",
    "暂停前缀": "Suspend prefix",
    "恢复前缀": "Resume prefix",
    "注销前缀（不可恢复）": "Revoke prefix (cannot be undone)",
}
