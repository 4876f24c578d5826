"""English for the enterprise_data app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    "标识 ID": "Identifier ID",
    "受限标识值": "Restricted identifier values",
    "数据项": "Item",
    "附件": "Attachment",
}
