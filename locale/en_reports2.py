"""More English for the reports app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    "园区标识一体化评估报告": "Park identifier evaluation report",
}
