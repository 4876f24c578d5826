"""English for the metadata app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    # choices
    "国家元数据模板": "National metadata template",
    "园区元数据模板": "Park metadata template",
    "企业元数据模板": "Enterprise metadata template",
    "道路设施": "Roads",
    "能源设施": "Energy",
    "环保设施": "Environment",
    "建筑设施": "Buildings",
    "照明设施": "Lighting",
    "绿化设施": "Greening",
    "信息服务": "Information services",
    "人员": "Personnel",
    "账单": "Bills",
    "研发设计": "R&D design",
    "生产制造": "Manufacturing",
    "物流设备": "Logistics equipment",
    "企业账票": "Business documents",
    "企业人员": "Enterprise personnel",
    "通用": "General",
    "一级（一般）": "Grade 1 (general)",
    "二级（重要）": "Grade 2 (important)",
    "三级（核心）": "Grade 3 (core)",
    "一般": "General",
    "重要": "Important",
    "核心": "Core",
    "枚举": "Enumeration",
    "标识引用": "Identifier reference",
    "草稿": "Draft",
    "已发布": "Published",
    "待审核": "Pending review",
    "已转报国家": "Forwarded to the national level",
    # exchange
    "不是有效的模板文件：缺少 items 数组": "Not a valid template file: the items array is missing",
    "请指定模板编码": "Please give a template code",
    "上级模板 %(code)s 不存在，请先导入上级模板": "The parent template %(code)s does not exist. Import the parent template first",
    "由模板文件导入": "Imported from a template file",
    # forms
    "模板编码": "Template code",
    "字母、数字和连字符，例如 PARK-ENERGY": "Letters, digits and hyphens, e.g. PARK-ENERGY",
    "模板名称": "Template name",
    "上级模板": "Parent template",
    "行业门类": "Industry section",
    "GB/T 4754，例如 C": "GB/T 4754, e.g. C",
    "行业大类": "Industry division",
    "例如 38": "e.g. 38",
    "行业中类": "Industry group",
    "例如 382": "e.g. 382",
    "行业小类": "Industry class",
    "例如 3821": "e.g. 3821",
    "启用校验位": "Use a check character",
    "默认跳转链接": "Default redirect link",
    "中文名称": "Chinese name",
    "英文编码": "English code",
    "字母开头，字母、数字和下划线": "Starts with a letter; letters, digits and underscores",
    "留空自动分配（≥ 2000）": "Leave empty to assign one automatically (≥ 2000)",
    "数据类型": "Data type",
    "唯一": "Unique",
    "公开（仅一级数据可公开）": "Public (only grade 1 data can be public)",
    "填写说明": "Help text",
    "排序": "Order",
    "最小长度": "Minimum length",
    "最大长度": "Maximum length",
    "格式（正则表达式）": "Format (regular expression)",
    "格式说明": "Format description",
    "最小值": "Minimum",
    "数值，或日期 YYYY-MM-DD": "A number, or a date as YYYY-MM-DD",
    "最大值": "Maximum",
    "小数位数": "Decimal places",
    "单位": "Unit",
    "可选值": "Choices",
    "每行一个，或用顿号分隔": "One per line, or separated by commas",
    "引用对象类别": "Referenced object category",
    "引用前缀": "Referenced prefix",
    "文件类型": "File types",
    "例如 pdf、jpg": "e.g. pdf, jpg",
    "申请理由": "Reason for the request",
    "模板文件（JSON）": "Template file (JSON)",
    "留空使用文件中的编码": "Leave empty to use the code in the file",
    "导入后立即发布": "Publish right after the import",
    "文件不能超过 2 MB": "The file cannot be larger than 2 MB",
    "不是有效的 JSON 文件": "Not a valid JSON file",
    # inheritance
    "%(name)s不能修改数据类型": "The data type of %(name)s cannot be changed",
    "%(name)s在%(against)s中为必填，不能改为选填": "%(name)s is required in the %(against)s and cannot be made optional",
    "%(name)s在%(against)s中要求唯一，不能取消": "%(name)s must be unique in the %(against)s; this cannot be removed",
    "%(name)s的数据分级不能低于%(against)s": "The data grade of %(name)s cannot be lower than in the %(against)s",
    "%(name)s在%(against)s中不公开，不能改为公开": "%(name)s is not public in the %(against)s and cannot be made public",
    "%(name)s继承自%(against)s，不能停用（数据项只增不减）": (
        "%(name)s is inherited from the %(against)s and cannot be disabled (items can be added, never removed)"
    ),
    "%(name)s已被%(against)s停用，不能重新启用": "%(name)s is disabled in the %(against)s and cannot be enabled again",
    "%(name)s的%(label)s不能低于%(against)s的 %(value)s": (
        "%(name)s: %(label)s cannot be lower than %(value)s, the value in the %(against)s"
    ),
    "%(name)s的%(label)s不能高于%(against)s的 %(value)s": (
        "%(name)s: %(label)s cannot be higher than %(value)s, the value in the %(against)s"
    ),
    "引用类别": "Referenced category",
    "%(name)s的%(label)s必须与%(against)s一致": "%(name)s: %(label)s must be the same as in the %(against)s",
    "%(name)s的可选值只能是%(against)s可选值的子集，多出：%(extra)s": (
        "The choices of %(name)s must be a subset of those in the %(against)s; extra: %(extra)s"
    ),
    "（空）": "(none)",
    "%(name)s的文件类型只能是%(against)s文件类型的子集": (
        "The file types of %(name)s must be a subset of those in the %(against)s"
    ),
    "数据项的中文名称不能为空": "The Chinese name of an item cannot be empty",
    "%(name)s的英文编码应以字母开头，只含字母、数字和下划线": (
        "The English code of %(name)s must start with a letter and contain only letters, digits and underscores"
    ),
    "%(name)s的索引必须不小于 %(first)s（1000、1001 保留给模板编号和版本）": (
        "The index of %(name)s must be at least %(first)s (1000 and 1001 are reserved for the template code and version)"
    ),
    "%(name)s的数据类型无效": "The data type of %(name)s is invalid",
    "%(name)s有未知的约束：%(keys)s": "%(name)s has unknown constraints: %(keys)s",
    "%(name)s的下限大于上限": "The lower bound of %(name)s is greater than its upper bound",
    "%(name)s的约束 %(key)s 应为非负整数": "The constraint %(key)s of %(name)s must be a non-negative integer",
    "%(name)s的约束值无效": "%(name)s has an invalid constraint value",
    "%(name)s的格式（正则表达式）无效": "The format (regular expression) of %(name)s is invalid",
    "%(name)s是枚举类型，至少需要一个可选值": "%(name)s is an enumeration and needs at least one choice",
    "%(name)s的数据分级无效": "The data grade of %(name)s is invalid",
    "英文编码 %(code)s 在本模板中重复": "The English code %(code)s appears more than once in this template",
    "索引 %(index)s 已被数据项 %(other)s 使用": "Index %(index)s is already used by item %(other)s",
    "英文编码 %(code)s 已被上级模板的数据项「%(other)s」（索引 %(index)s）使用": (
        "The English code %(code)s is already used by the parent template's item “%(other)s” (index %(index)s)"
    ),
    "索引 %(index)s 已被上级模板的数据项「%(other)s」（%(code)s）使用": (
        "Index %(index)s is already used by the parent template's item “%(other)s” (%(code)s)"
    ),
    # models
    "层级": "Level",
    "企业模板的所属企业；国家和园区模板为空": "The enterprise of an enterprise template; empty for national and park templates",
    "后缀末尾追加 ISO/IEC 7064 MOD 37,36 校验字符": "Append an ISO/IEC 7064 MOD 37,36 check character to the suffix",
    "解析时 307 跳转的地址模板，可用 {handle}、{prefix}、{suffix} 占位": (
        "URL template for the 307 redirect on resolution; may use the placeholders {handle}, {prefix} and {suffix}"
    ),
    "版本号": "Version number",
    "上级模板版本": "Parent template version",
    "发布时间": "Published at",
    "发布人": "Published by",
    "版本说明": "Version notes",
    "有效数据项快照": "Snapshot of effective items",
    "发布时冻结的有效数据项（含继承），注册与解析按此校验": (
        "The effective items (including inherited ones) frozen at publication; registration and resolution "
        "are validated against them"
    ),
    "约束": "Constraints",
    "申请企业": "Requesting enterprise",
    "申请的数据项": "Requested item",
    "与数据项字段相同：name, code, index, item_type, ...": "The same fields as an item: name, code, index, item_type, ...",
    "审核时间": "Reviewed at",
    "生成的版本": "Resulting version",
    "模板变更申请": "Template change requests",
    "变更申请": "Change requests",
    "阅读时间": "Read at",
    "模板消息": "Template message",
    # services
    "%(version)s 已发布，已发布的版本不可修改；请新建草稿版本": (
        "%(version)s is published, and published versions cannot be changed. Please create a new draft version"
    ),
    "模板层级无效": "Invalid template level",
    "国家元数据模板没有上级模板": "A national metadata template has no parent template",
    "请选择上级模板": "Please choose a parent template",
    "%(level)s的上级模板应为%(expected)s": "The parent of a %(level)s must be a %(expected)s",
    "企业模板必须指定所属企业": "An enterprise template must belong to an enterprise",
    "只有企业模板有所属企业": "Only enterprise templates belong to an enterprise",
    "上级模板「%(name)s」还没有已发布的版本": "The parent template “%(name)s” has no published version yet",
    "不能继承其他企业的模板": "You cannot inherit from another enterprise's template",
    "模板编码 %(code)s 已存在": "The template code %(code)s already exists",
    "行业门类应为 A 至 T 的一个字母": "The industry section must be one letter from A to T",
    "应为 %(n)s 位数字": "Must be %(n)s digits",
    "%(value)s 不属于上一级分类 %(upper)s": "%(value)s does not belong to the higher-level class %(upper)s",
    "请先填写上一级行业分类": "Fill in the higher-level industry class first",
    "不能修改：%(fields)s": "These fields cannot be changed: %(fields)s",
    "上级模板还没有已发布的版本": "The parent template has no published version yet",
    "已发布版本": "Published version",
    "索引应为整数": "The index must be an integer",
    "英文编码 %(code)s 在本模板中已存在": "The English code %(code)s already exists in this template",
    "未知的数据项字段：%(fields)s": "Unknown item fields: %(fields)s",
    "「%(name)s」已发布过，不能修改英文编码或索引": "“%(name)s” has been published; its English code and index cannot be changed",
    "「%(name)s」继承自上级模板，不能停用（数据项只增不减）": (
        "“%(name)s” is inherited from the parent template and cannot be disabled (items can be added, never removed)"
    ),
    "数据项不能删除，只能停用": "Items cannot be deleted, only disabled",
    "上级模板版本尚未发布": "The parent template version is not published yet",
    "模板至少需要一个启用的数据项": "A template needs at least one enabled item",
    "新版本缺少已发布的数据项：%(names)s（数据项只能停用，不能删除）": (
        "The new version lacks published items: %(names)s (items can only be disabled, not deleted)"
    ),
    "模板还没有版本": "The template has no version yet",
    "模板中已有英文编码为 %(code)s 的数据项": "The template already has an item with the English code %(code)s",
    "只能对园区元数据模板提出变更申请": "Change requests can only be made for park metadata templates",
    "请填写申请理由": "Please give a reason for the request",
    "该申请已处理（%(status)s）": "This request has already been handled (%(status)s)",
    "只有园区管理员可以审核模板变更申请": "Only park administrators can review template change requests",
    "按 %(enterprise)s 的变更申请新增数据项「%(name)s」": "Added the item “%(name)s” as requested by %(enterprise)s",
    "模板变更申请已批准：%(template)s 新增「%(name)s」": "Template change request approved: “%(name)s” added to %(template)s",
    "园区已发布 %(version)s，新登记的标识可以填写该数据项。": (
        "The park has published %(version)s. Newly registered identifiers can fill in this item."
    ),
    "驳回时请填写原因": "Please give a reason for the rejection",
    "模板变更申请已驳回：%(template)s「%(name)s」": "Template change request rejected: %(template)s “%(name)s”",
    "驳回原因：%(reason)s": "Reason for rejection: %(reason)s",
    "模板变更申请已转报国家：%(template)s「%(name)s」": (
        "Template change request forwarded to the national level: %(template)s “%(name)s”"
    ),
    "该数据项适合在国家元数据模板中统一增加，园区已转报国家顶级节点。": (
        "This item belongs in the national metadata template, so the park has forwarded the request "
        "to the national top-level node."
    ),
    "只能修改本企业的模板": "You can only change your own enterprise's templates",
    # templates
    "来源": "Source",
    "一级": "Grade 1",
    "二级": "Grade 2",
    "三级": "Grade 3",
    "国家": "National",
    "编辑": "Edit",
    "收紧约束": "Tighten constraints",
    "暂无数据项": "No items yet",
    "级": "of 3",
    "批准并发布新版本": "Approve and publish a new version",
    "转报国家顶级节点": "Forward to the national top-level node",
    "申请增加数据项": "Request a new item",
    "申请在「%(n)s」中增加数据项": "Request a new item in “%(n)s”",
    "园区管理员审核通过后发布新的园区模板版本，并在本页的消息中通知您。只在本企业使用的数据项可以直接新建企业模板，无需申请。": (
        "Once a park administrator approves the request, a new park template version is published and you are "
        "notified in the messages on this page. Items used only by your enterprise can go straight into an "
        "enterprise template, with no request needed."
    ),
    "标为已读": "Mark as read",
    "暂无消息": "No messages",
    "暂无申请": "No requests yet",
    "导入模板": "Import template",
    "支持本系统导出的 JSON 与二级节点数据模板接口的 JSON（prefix、version、industryCategory…、items）。上级模板需已存在。": (
        "Accepts JSON exported by this system and JSON from the secondary node data template API "
        "(prefix, version, industryCategory…, items). The parent template must already exist."
    ),
    "编辑数据项「%(n)s」": "Edit item “%(n)s”",
    "收紧继承的数据项": "Tighten an inherited item",
    "添加数据项": "Add item",
    "编码和索引保持不变；只能收紧：缩短长度、缩小范围、减少可选值、改为必填、提高分级。": (
        "The code and index stay the same. You can only tighten: shorten the length, narrow the range, "
        "remove choices, make it required or raise the grade."
    ),
    "行业分类（GB/T 4754）": "Industry classification (GB/T 4754)",
    "上级节点模板版本": "Upstream node template version",
    "编辑模板信息": "Edit template details",
    "编辑草稿 v%(n)s": "Edit draft v%(n)s",
    "新建草稿版本": "New draft version",
    "基于此模板新建企业模板": "New enterprise template based on this one",
    "导出 JSON（二级节点格式）": "Export JSON (secondary node format)",
    "导出 JSON Schema": "Export JSON Schema",
    "有效数据项（v%(n)s，含继承）": "Effective items (v%(n)s, including inherited)",
    "尚未发布": "Not published yet",
    "数据分级：一级（一般）、二级（重要）、三级（核心）。只有一级且公开的数据项保存在园区公共注册表，其余保存在企业自己的数据空间。": (
        "Data grades: grade 1 (general), grade 2 (important), grade 3 (core). Only public grade 1 items are "
        "stored in the park's public registry; all others stay in the enterprise's own data space."
    ),
    "下级模板": "Child templates",
    "新建模板": "New template",
    "新建企业模板": "New enterprise template",
    "新建园区模板": "New park template",
    "企业模板在园区模板基础上增加本企业需要的数据项，无需园区审批。": (
        "An enterprise template adds the items your enterprise needs to a park template, with no park approval needed."
    ),
    "园区模板继承国家元数据模板。": "A park template inherits from a national metadata template.",
    "国家 → 园区 → 企业三级模板：下级模板继承上级的全部数据项，只能增加数据项或收紧约束。": (
        "Three template levels, national → park → enterprise: a child template inherits all items of its parent "
        "and can only add items or tighten constraints."
    ),
    "我的变更申请与消息": "My change requests and messages",
    "编码或名称": "Code or name",
    "全部层级": "All levels",
    "行业分类": "Industry",
    "当前版本": "Current version",
    "未发布": "Unpublished",
    "暂无模板": "No templates yet",
    "继承 %(p)s。": "Inherits from %(p)s.",
    "已发布的版本不可修改，如需调整请新建草稿版本。": "A published version cannot be changed. To make changes, create a new draft version.",
    "草稿：可以增加数据项、收紧继承的约束、停用本模板的数据项；数据项不能删除。": (
        "Draft: you can add items, tighten inherited constraints and disable this template's own items; "
        "items cannot be deleted."
    ),
    "草稿中有不符合继承规则的数据项，修正后才能发布。": (
        "Some items in the draft break the inheritance rules. Fix them before publishing."
    ),
    "发布此版本": "Publish this version",
    # validation
    "%(name)s不能包含控制字符": "%(name)s cannot contain control characters",
    "%(name)s至少 %(n)s 个字符": "%(name)s needs at least %(n)s characters",
    "%(name)s最多 %(n)s 个字符，当前 %(len)s 个": "%(name)s can have at most %(n)s characters (it has %(len)s)",
    "%(name)s格式不正确，应为：%(hint)s": "%(name)s has the wrong format; expected: %(hint)s",
    "%(name)s应为数值": "%(name)s must be a number",
    "%(name)s应为整数": "%(name)s must be a whole number",
    "%(name)s应为数值，最多 %(p)s 位小数": "%(name)s must be a number with at most %(p)s decimal places",
    "%(name)s不能小于 %(min)s%(unit)s": "%(name)s cannot be less than %(min)s%(unit)s",
    "%(name)s不能大于 %(max)s%(unit)s": "%(name)s cannot be greater than %(max)s%(unit)s",
    "%(name)s应为日期，例如 2024-03-01": "%(name)s must be a date, e.g. 2024-03-01",
    "%(name)s不能早于 %(min)s": "%(name)s cannot be earlier than %(min)s",
    "%(name)s不能晚于 %(max)s": "%(name)s cannot be later than %(max)s",
    "%(name)s的值「%(value)s」不在可选范围内，可选：%(choices)s": (
        "The value “%(value)s” is not a valid choice for %(name)s. Choices: %(choices)s"
    ),
    "%(name)s应为文件链接（http/https）或附件编号": "%(name)s must be a file link (http/https) or an attachment number",
    "%(name)s的文件类型应为：%(ext)s": "The file type of %(name)s must be one of: %(ext)s",
    "%(name)s应为另一个标识，格式为 前缀/后缀，例如 88.101.ABC/B001": (
        "%(name)s must be another identifier in the form prefix/suffix, e.g. 88.101.ABC/B001"
    ),
    "%(name)s应为前缀 %(prefix)s 下的标识": "%(name)s must be an identifier under the prefix %(prefix)s",
    "%(name)s引用的标识 %(handle)s 不存在": "The identifier %(handle)s referenced by %(name)s does not exist",
    "%(name)s已停用，不能填写": "%(name)s is disabled and cannot be filled in",
    "%(name)s为必填项": "%(name)s is required",
    # views
    "模板已创建，请在草稿中添加数据项后发布": "Template created. Add items to the draft, then publish it",
    "模板信息已保存": "Template details saved",
    "数据项已添加": "Item added",
    "数据项已保存": "Item saved",
    "数据项「%(name)s」已停用": "Item “%(name)s” disabled",
    "%(version)s 已发布": "%(version)s published",
    "模板 %(code)s 已导入": "Template %(code)s imported",
    "变更申请已提交，园区审核后会通知您": "Change request submitted. You will be notified once the park has reviewed it",
    "已批准，%(version)s 已发布，已通知企业": "Approved: %(version)s is published and the enterprise has been notified",
    "已驳回，已通知企业": "Rejected; the enterprise has been notified",
    "已标记为转报国家，已通知企业": "Marked as forwarded to the national level; the enterprise has been notified",
    # Group B: change requests, template API
    "模板「%(template)s」有未发布的草稿版本 v%(number)s，批准申请会把草稿中未审核的修改一并发布。请先完成并发布该草稿，再批准此申请。": "The template “%(template)s” has an unpublished draft v%(number)s; approving now would publish the draft's unreviewed changes too. Finish and publish the draft first, then approve this request.",
    "已发布的版本号；省略则为当前版本": "A published version number; the current version when omitted",
    "元数据模板列表": "List metadata templates",
    "元数据模板详情（含继承后的全部数据项）": "Metadata template details (with every effective item, inherited ones included)",
    "模板 %(code)s 没有已发布的版本 %(number)s": "The template %(code)s has no published version %(number)s",
    "模板的 JSON Schema（标识 values 对象的格式）": "The template's JSON Schema (the format of an identifier's values object)",
    "模板 %(code)s 还没有已发布的版本": "The template %(code)s has no published version yet",
    "Handle 索引（2000 起）": "Handle index (from 2000)",
    "英文编码（values 的键）": "Item code (the key in values)",
    "数据分级：1 一般，2 重要，3 核心": "Data grade: 1 general, 2 important, 3 core",
    "一级且公开的值进入公共注册库，其余只存企业库": "Grade-1 public values go to the public registry; all others stay in the enterprise's own store",
    "enabled 启用；disabled 停用（不能再填写）": "enabled; disabled (can no longer be filled in)",
    "约束：单位、范围、精度、长度、枚举值等": "Constraints: unit, range, precision, length, choices and so on",
    "定义该数据项的模板编码": "Code of the template that defines the item",
    "消息类型": "Notice kind",
    "消息参数": "Notice parameters",
    "%(field)s：%(error)s": "%(field)s: %(error)s",
}
