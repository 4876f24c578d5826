from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"

    def ready(self):
        checks.register(cjk_font_check)


def cjk_font_check(app_configs=None, **kwargs):
    """Without the CJK font every report prints empty boxes: say so at start-up, not in the PDF."""
    from apps.core.pdf import font_path

    if font_path() is None:
        return [
            checks.Warning(
                "No Noto Sans CJK font: reports and label sheets are refused (their Chinese text would be empty boxes).",
                hint="Install fonts-noto-cjk (make install as root) or set PDF_CJK_FONT_DIR.",
                id="reports.W001",
            )
        ]
    return []
