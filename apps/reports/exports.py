"""The monthly report as a workbook: one sheet office-wide, one per department, one per region. Every sheet is the
output of apps.reports.monthly.monthly_stats for its scope (the page's and the report letter's function), written
out: nothing is recounted here. Headers and sheet names are Chinese; ratios and targets are percentages."""

import re
from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from apps.accounts.models import Department
from apps.reports.monthly import monthly_breakdown, monthly_stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3  # rows 1-2: the scope and the moment of the figures
SHEET_NAME_LIMIT = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def monthly_header() -> list[str]:
    return [_("指标"), _("分子"), _("分母"), _("完成率"), _("目标"), _("是否达标"), _("统计口径")]


def _met(value: bool | None) -> str:
    return "—" if value is None else (_("是") if value else _("否"))


def monthly_row_values(row: dict[str, Any]) -> list[Any]:
    """One table row as the page shows it: the ratio stays a number (formatted as a percentage in the sheet)."""
    return [
        row["label"],
        row["numerator"],
        row["denominator"],
        row["ratio"],
        row["target"]["label"],
        _met(row["met"]),
        row["definition"],
    ]


def _scope_name(stats: dict[str, Any]) -> str:
    if stats["department"]:
        return stats["department"]["name"]
    if stats.get("region_code"):
        return _("行政区划 %(code)s") % {"code": stats["region_code"]}
    return _("全市")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _FORBIDDEN.sub("", title)[:SHEET_NAME_LIMIT]
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _write(ws: Worksheet, stats: dict[str, Any]) -> None:
    bold = Font(bold=True)
    ws.append([_("%(month)s 月度统计 · %(scope)s") % {"month": stats["month"], "scope": _scope_name(stats)}])
    ws["A1"].font = bold
    as_of = timezone.localtime(stats["as_of"])
    ws.append(
        [
            _("统计期间 %(start)s 至 %(end)s，数据截至 %(as_of)s；期末在严重失信主体名单内的在营主体 %(n)d 户。")
            % {
                "start": f"{stats['period_start']:%Y-%m-%d}",
                "end": f"{stats['period_end']:%Y-%m-%d}",
                "as_of": f"{as_of:%Y-%m-%d %H:%M}",
                "n": stats["population"],
            }
        ]
    )
    ws.append(monthly_header())
    for cell in ws[HEADER_ROW]:
        cell.font = bold
    for row in stats["rows"]:
        ws.append(monthly_row_values(row))
    for (cell,) in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=4, max_col=4):
        cell.number_format = "0.0%"
        if cell.value is None:
            cell.value = "—"
    for (cell,) in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=7, max_col=7):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if stats["notes"]:
        ws.append([])
        ws.append([_("说明")])
        for note in stats["notes"]:
            ws.append([note])
    for letter, width in zip("ABCDEFG", (46, 10, 10, 10, 10, 10, 80), strict=True):
        ws.column_dimensions[letter].width = width


def monthly_scopes(*, month: date, department: Department | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The scopes of the month's files, each (title, monthly_stats of it). Office-wide (no department): the whole
    city, then each department, then each region. For one department: that department only. The workbook has a
    sheet per scope, the CSV a block of lines per scope (its first column the title)."""
    if department is not None:
        return [(department.name, monthly_stats(month=month, department=department))]
    breakdown = monthly_breakdown(month=month)
    scopes = [(_("全市"), breakdown["overall"])]
    scopes += [(_("部门-%(name)s") % {"name": s["department"]["name"]}, s) for s in breakdown["departments"]]
    scopes += [(_("地区-%(code)s") % {"code": s["region_code"]}, s) for s in breakdown["regions"]]
    return scopes


def monthly_xlsx(*, month: date, department: Department | None = None) -> bytes:
    """The month's workbook: a sheet per scope (monthly_scopes)."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, stats in monthly_scopes(month=month, department=department):
        _write(book.create_sheet(_sheet_title(title, taken)), stats)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
