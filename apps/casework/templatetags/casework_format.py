"""Values on workbench pages in plain words: 2026年12月1日, 是/否, lists as lists, — for nothing."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

register = template.Library()


def chinese_day(day: date) -> str:
    return gettext("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@register.filter
def readable(value) -> str:
    """A date as 2026年12月1日 (a time with its hour and minute, Asia/Shanghai), a boolean as 是/否, a list as a list,
    nothing as —."""
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{chinese_day(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return chinese_day(value)
    if isinstance(value, list | tuple):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((readable(item),) for item in value)))
    return str(value)


@register.simple_tag
def process_case(process) -> dict:
    """The case of a workbench process in plain words: its summary rows and the link to the staff case page."""
    from apps.casework.registry import case_type_for
    from apps.casework.selectors import case_summary_rows, staff_case_url

    case = process.artifact
    registered = case_type_for(case._meta.label_lower) if case is not None else None
    if registered is None:
        return {"rows": [], "url": None}
    return {
        "rows": case_summary_rows(case=case),
        "url": staff_case_url(case_type=registered.label, case_id=case.pk),
    }


@register.simple_tag
def case_title(process) -> str:
    """A workbench process in one line: its case's reference and enterprise (XF2026000001 · 宜昌…有限公司)."""
    from apps.casework.registry import case_type_for

    case = process.artifact
    registered = case_type_for(case._meta.label_lower) if case is not None else None
    if registered is None or registered.row is None:
        return str(process.flow_class.process_title) if process.flow_class else ""
    row = registered.row(case)
    return f"{row.reference} · {row.enterprise}"
