"""English for the resolution app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    "小时": "Hour",
    "解析次数": "Resolutions",
    "未找到次数": "Not found",
    "延迟分布": "Latency distribution",
    "热门标识": "Top identifiers",
    "解析统计": "Resolution statistics",
    "标识格式无效": "Invalid identifier format",
    "请求过于频繁，请稍后再试": "Too many requests. Please try again later",
    "本节点不负责该标识前缀，且未配置上级解析服务": "This node does not serve this identifier prefix, and no upstream resolution service is configured",
    "上级解析服务暂时不可用，请稍后再试": "The upstream resolution service is unavailable. Please try again later",
    "本节点与上级解析服务均不负责该标识前缀": "Neither this node nor the upstream resolution service serves this identifier prefix",
    "标识不存在": "The identifier does not exist",
    "标识已注销": "The identifier has been withdrawn",
    "近14天解析量": "Resolutions (last 14 days)",
    "P50 延迟（毫秒）": "P50 latency (ms)",
    "P99 延迟（毫秒）": "P99 latency (ms)",
    "延迟为服务端处理时间（按固定分桶统计，取分桶上限）；计数每分钟由后台任务汇总。": (
        "Latency is the server-side processing time (counted in fixed buckets, using each bucket's upper bound); "
        "counts are aggregated every minute by a background task."
    ),
    "标识解析结果": "Resolution result",
    "上级解析服务": "Upstream resolution service",
    "默认链接": "Default link",
    "该标识没有公开的标识值。": "This identifier has no public values.",
    "本页二维码": "QR code of this page",
    "扫码打开本页": "Scan to open this page",
    "未找到标识": "Identifier not found",
    "“%(handle)s” 不是有效的标识（格式应为 前缀/后缀）。": "“%(handle)s” is not a valid identifier (the format is prefix/suffix).",
    "无法解析该标识": "The identifier could not be resolved",
    "需要身份认证才能读取受限标识值": "Authentication is required to read restricted identifier values",
    "Handle REST 标识记录": "Handle REST identifier record",
    "缺少必要的请求参数: handle": "Missing required request parameter: handle",
    "P50（毫秒）": "P50 (ms)",
    "P99（毫秒）": "P99 (ms)",
    "解析延迟": "Resolution latency",
}
