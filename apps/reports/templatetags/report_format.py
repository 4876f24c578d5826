"""Template filters over apps.reports.formatting: ``{{ n|cn_number }}``, ``{{ d|cn_date }}``."""

from django import template

from apps.reports import formatting

register = template.Library()

register.filter("cn_number", formatting.cn_number)
register.filter("thousands", formatting.thousands)
register.filter("cn_date", formatting.cn_date)
register.filter("cn_datetime", formatting.cn_datetime)
register.filter("milliseconds", formatting.milliseconds)
register.filter("duration_hours", formatting.duration_hours)


@register.filter
def percent(value, whole=None):
    return formatting.percent(value, whole)
