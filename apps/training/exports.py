"""Coverage as files a coordinator hands on: CSV (streamed, so a long list of subjects not reached never sits in
memory) and XLSX. Headers are Chinese; ratios are percentages, booleans 是/否; the figures come from the coverage
selectors and nothing else."""

from collections.abc import Iterator
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from apps.accounts.models import Department
from apps.core.exports import csv_lines
from apps.training.selectors import Coverage, coverage_by_department, coverage_by_month, training_coverage

NOT_REACHED_BATCH = 2000


def _scope(coverage: Coverage) -> str:
    return coverage.department.name if coverage.department else _("全部部门")


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("是") if value else _("否"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def summary_header() -> list[str]:
    return [
        _("统计月份"),
        _("行政区划代码"),
        _("认定部门"),
        _("已参加培训主体数"),
        _("名单内在营主体数"),
        _("覆盖率"),
        _("目标"),
        _("是否达标"),
        _("统计截至"),
    ]


def _summary_values(coverage: Coverage, region_code: str) -> list:
    return [
        f"{coverage.month:%Y-%m}",
        region_code or _("全部"),
        _scope(coverage),
        coverage.numerator,
        coverage.denominator,
        coverage.ratio,
        coverage.target,
        _yes_no(coverage.met),
        f"{timezone.localtime(coverage.as_of):%Y-%m-%d %H:%M}",
    ]


def not_reached_header() -> list[str]:
    return [_("统一社会信用代码"), _("主体名称"), _("行政区划代码")]


def _not_reached_rows(coverage: Coverage) -> Iterator[list[str]]:
    for subject in coverage.not_reached.only("uscc", "name", "region_code").iterator(chunk_size=NOT_REACHED_BATCH):
        yield [subject.uscc, subject.name, subject.region_code]


def coverage_csv_lines(
    *, month: date, region_code: str = "", department: Department | None = None, table: str = "summary"
) -> Iterator[str]:
    """CSV lines (with a byte-order mark, so that spreadsheet programs read the Chinese right). `table`: summary
    (the month in total and by department) or not_reached (the subjects not reached, one a line)."""
    if table == "not_reached":
        coverage = training_coverage(month=month, region_code=region_code, department=department)
        yield from csv_lines(not_reached_header(), _not_reached_rows(coverage))
        return
    rows = (
        [training_coverage(month=month, region_code=region_code, department=department)]
        if department is not None
        else coverage_by_department(month=month, region_code=region_code)
    )

    def summary_lines() -> Iterator[list]:
        for coverage in rows:
            values = _summary_values(coverage, region_code)
            values[5], values[6] = _percent(coverage.ratio), _percent(coverage.target)
            yield values

    yield from csv_lines(summary_header(), summary_lines())


def coverage_xlsx(*, month: date, region_code: str = "", department: Department | None = None) -> bytes:
    """A workbook of three sheets: the month by department, the last twelve months, the subjects not reached."""
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows, percent_columns=()):
        ws = book.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for column in percent_columns:
            for cell in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell[0].number_format = "0.0%"
        for title_cell in ws[1]:
            ws.column_dimensions[title_cell.column_letter].width = max(12, len(str(title_cell.value)) * 2 + 4)
        return ws

    book.remove(book.active)
    by_department = (
        [training_coverage(month=month, region_code=region_code, department=department)]
        if department is not None
        else coverage_by_department(month=month, region_code=region_code)
    )
    sheet(
        _("按部门"),
        summary_header(),
        (_summary_values(c, region_code) for c in by_department),
        percent_columns=(6, 7),
    )
    months = coverage_by_month(last=month, months=12, region_code=region_code, department=department)
    sheet(
        _("按月份"),
        summary_header(),
        (_summary_values(c, region_code) for c in months),
        percent_columns=(6, 7),
    )
    total = by_department[0]
    ws = sheet(_("未覆盖主体"), not_reached_header(), _not_reached_rows(total))
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
