"""English for strings of apps/accounts (read by locale/fill_en.py)."""

EN = {
    "管理后台": "Administration",
}
