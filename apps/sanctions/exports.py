"""The monthly case report as an Excel workbook (openpyxl), from the same figures as the page and the letter."""

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _day(value: Any) -> str:
    text = str(value or "")
    if len(text) < 10:
        return text or "—"
    year, month, day = (int(part) for part in text[:10].split("-"))
    return f"{year}年{month}月{day}日"


def case_report_xlsx(figures: dict[str, Any]) -> bytes:
    """Two sheets: the cases (one row per measure offered, with what the department did) and the totals."""
    book = Workbook()
    cases = book.active
    cases.title = _("案例明细")
    header = [
        _("核查日期"),
        _("主体名称"),
        _("统一社会信用代码"),
        _("严重失信主体名单"),
        _("事项类型"),
        _("事项编号"),
        _("措施编号"),
        _("惩戒措施"),
        _("法律法规依据"),
        _("实施情况"),
        _("说明"),
    ]
    cases.append(header)
    for cell in cases[1]:
        cell.font = Font(bold=True)
    for case in figures["cases"]:
        for measure in case["measures"]:
            cases.append(
                [
                    _day(case["checked_on"]),
                    case["subject_name"],
                    case["uscc"],
                    _("是") if case["on_serious_list"] else _("否"),
                    case["matter_type"],
                    case["matter_reference"],
                    measure["code"],
                    measure["title"],
                    measure["legal_basis"],
                    measure["result"],
                    measure["note"],
                ]
            )
    for column, width in zip("ABCDEFGHIJK", (14, 28, 22, 10, 14, 18, 8, 30, 36, 10, 24), strict=True):
        cases.column_dimensions[column].width = width
    totals = book.create_sheet(_("汇总"))
    labels = [
        (_("报送部门"), figures["department"]["name"]),
        (_("统计期间"), f"{_day(figures['period_start'])}至{_day(figures['period_end'])}"),
        (_("报送期限"), _day(figures["due_date"])),
        (_("信用核查次数"), figures["totals"]["checks"]),
        (_("发现应实施惩戒措施的核查次数"), figures["totals"]["hits"]),
        (_("核查对象列入严重失信主体名单的次数"), figures["totals"]["on_serious_list"]),
        (_("应实施的惩戒措施（项）"), figures["totals"]["offered"]),
        (_("已实施（项）"), figures["totals"]["applied"]),
        (_("未实施（项）"), figures["totals"]["not_applied"]),
        (_("未反馈（项）"), figures["totals"]["no_feedback"]),
        (_("依据失效后确认解除（项）"), figures["totals"]["removals_confirmed"]),
    ]
    for label, value in labels:
        totals.append([label, value])
    totals.column_dimensions["A"].width = 36
    totals.column_dimensions["B"].width = 30
    out = BytesIO()
    book.save(out)
    return out.getvalue()
