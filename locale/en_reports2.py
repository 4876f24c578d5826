"""More English for the reports app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    "园区标识一体化评估报告": "Park identifier evaluation report",
    "该报告不是月度报备，或尚未生成": "This report is not a monthly filing, or it has not been generated yet",
    "该月度报备已于 %(when)s 标记为已报送": "This monthly filing was already marked as submitted on %(when)s",
    "已标记为已报送": "Marked as submitted",
    "报送状态": "Submission status",
    "下载报备 JSON": "Download filing JSON",
    "上级节点反馈（可选）": "Upstream node response (optional)",
    "标记为已报送": "Mark as submitted",
    "%(start)s至%(end)s": "%(start)s to %(end)s",
}
