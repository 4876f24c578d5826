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
    # members (apps/tenants/memberships.py, the 成员 page)
    "只有本企业管理员或园区管理员可以管理企业成员": "Only the enterprise's administrators or park administrators can manage its members",
    "角色无效": "Invalid role",
    "请填写用户名": "Please enter a user name",
    "园区工作人员的账号不能加入企业": "A park staff account cannot join an enterprise",
    "该用户已是本企业成员": "This user is already a member of the enterprise",
    "企业至少要保留一名管理员，不能更改最后一名管理员的角色": (
        "An enterprise keeps at least one administrator: the last administrator's role cannot be changed"
    ),
    "企业至少要保留一名管理员，不能移除最后一名管理员": (
        "An enterprise keeps at least one administrator: the last administrator cannot be removed"
    ),
    "已有账号的用户直接加入本企业；新用户名将创建账号并生成初始密码": (
        "An existing user joins the enterprise as is; a new user name creates an account with an initial password"
    ),
    "成员": "Members",
    "更改角色": "Change role",
    "移除": "Remove",
    "加入时间": "Joined",
    "暂无成员": "No members",
    "添加成员": "Add member",
    "添加": "Add",
    "已添加成员": "Member added",
    "返回成员列表": "Back to members",
    "企业管理员可以管理成员和授权；企业成员可以登记和维护本企业的标识。企业至少保留一名管理员。": (
        "Enterprise administrators manage members and grants; enterprise members register and maintain the "
        "enterprise's identifiers. An enterprise keeps at least one administrator."
    ),
    "初始密码仅显示这一次，请通过安全渠道交给该用户，并提醒其首次登录后修改密码。": (
        "The initial password is shown only this once: hand it to the user over a secure channel and remind "
        "them to change it after the first login."
    ),
    "已将 %(user)s 加入本企业": "%(user)s added to the enterprise",
    "已更改 %(user)s 的角色": "Role of %(user)s changed",
    "已将 %(user)s 移出本企业": "%(user)s removed from the enterprise",
    # mail to the applicant (apps/tenants/services.py)
    "【%(park)s】入驻申请已批准": "[%(park)s] Your application has been approved",
    "%(contact)s 您好：\n\n%(name)s 的入驻申请已批准，企业门户已开通。\n企业门户：%(url)s\n企业管理员账号：%(username)s\n\n初始密码由园区管理员通过其他渠道另行告知，首次登录后请立即修改。\n": (
        "Dear %(contact)s,\n\nThe application of %(name)s has been approved and its enterprise portal is open.\n"
        "Enterprise portal: %(url)s\nAdministrator account: %(username)s\n\n"
        "The park administrator will give you the initial password through another channel; "
        "please change it when you first log in.\n"
    ),
    "【%(park)s】入驻申请未通过": "[%(park)s] Your application was not approved",
    "%(contact)s 您好：\n\n%(name)s 的入驻申请未通过审核。\n原因：%(reason)s\n\n如有疑问请联系园区管理员；修改后可重新提交申请。\n": (
        "Dear %(contact)s,\n\nThe application of %(name)s was not approved.\nReason: %(reason)s\n\n"
        "Please contact the park administrator with any questions; you may apply again after correcting it.\n"
    ),
    "无权访问该企业的数据": "You may not access this enterprise's data",
    "企业代码只能包含字母和数字，长度 1–%(max)s 位": (
        "The enterprise code may contain only letters and digits, 1–%(max)s characters"
    ),
    "用户名": "User name",
    "电子邮件": "E-mail",
    # 上级节点前缀申请资料 (upstream prefix application data)
    "国有控股": "State-controlled",
    "民营控股": "Privately controlled",
    "外商控股": "Foreign-controlled",
    "事业单位": "Public institution",
    "民营非盈利组织": "Private non-profit organisation",
    "中国居民身份证": "PRC resident identity card",
    "护照": "Passport",
    "其他": "Other",
    "单位性质": "Nature of the organisation",
    "营业执照图片编号": "Business licence image number",
    "营业执照图片上传至上级节点后返回的文件编号": "The file number the upstream node returned for the uploaded business licence image",
    "联系人证件类型": "Contact's ID document type",
    "联系人证件号码": "Contact's ID document number",
    "法定代表人姓名": "Legal representative's name",
    "法定代表人证件类型": "Legal representative's ID document type",
    "法定代表人证件号码": "Legal representative's ID document number",
    "法定代表人证件正面图片编号": "Legal representative's ID front image number",
    "法定代表人证件反面图片编号": "Legal representative's ID back image number",
    "证件正面照片上传至上级节点后返回的文件编号": "The file number the upstream node returned for the uploaded front of the ID document",
    "证件反面照片上传至上级节点后返回的文件编号": "The file number the upstream node returned for the uploaded back of the ID document",
    "请选择证件类型": "Please choose the document type",
    "请填写证件号码": "Please enter the document number",
    "应为上级节点文件上传接口返回的编号（1–20 位数字）": "Must be the number the upstream node's file upload returned (1–20 digits)",
    "居民身份证号码无效：应为 18 位，出生日期与校验位正确": "Invalid resident ID number: 18 characters with a valid date of birth and check digit",
    "护照号码无效：应为 5–17 位字母或数字": "Invalid passport number: 5–17 letters or digits",
    "上级节点前缀申请资料": "Data for the upstream prefix application",
    "选填": "optional",
    "标识前缀需向上级节点申请，上级节点要求以下资料。现在不填也可提交入驻申请，园区管理员可在审核时补充；资料齐全后前缀申请才会提交。": "The identifier prefix is applied for at the upstream node, which requires the data below. You may submit the application without it; the park administrator can complete it during review. The prefix application is submitted only once the data is complete.",
    "上级节点的企业前缀申请还缺少：": "The upstream node's enterprise prefix application still lacks: ",
    "。资料齐全前前缀申请不会提交，补充后自动提交。": ". The prefix application is not submitted until the data is complete; it is submitted automatically once completed.",
    "资料齐全，可向上级节点申请前缀": "Data complete: the prefix can be applied for at the upstream node",
    "联系人证件": "Contact's ID document",
    "法定代表人": "Legal representative",
    "法定代表人证件": "Legal representative's ID document",
    "法定代表人证件图片编号": "Legal representative's ID image numbers",
    "图片编号为营业执照、证件照片经上级节点文件上传接口（/snms/api/file/upload）上传后返回的编号。": "Image numbers are those the upstream node's file upload (/snms/api/file/upload) returned for the business licence and ID photos.",
    "保存资料": "Save data",
    "已保存上级节点前缀申请资料": "Data for the upstream prefix application saved",
    "国民经济行业分类应为 GB/T 4754 代码：门类字母加 2–4 位数字，如 C3484": "The industry classification must be a GB/T 4754 code: the section letter and 2–4 digits, e.g. C3484",
}
