"""Lists as files (`?format=csv` / `?format=xlsx` on a list's API URL): the rows the JSON list would show, with the
same filters and scope, every row rather than a page, under Chinese headers, formatted for people as the pages are
(dates 2026年12月1日, booleans 是/否, nothing for None).

A list API opts in with `ExportableList` and, in `get`, hands its rows (dicts as its Output serializer renders them,
produced batch by batch so that a long list never sits in memory) to `export_response`:

    fmt = export_format(request)
    if fmt:
        rows = (row for batch in batched(qs) for row in Output(batch, many=True).data)
        return export_response(rows=rows, columns=COLUMNS, filename=_("异议案件"), fmt=fmt)

CSV is streamed line by line (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right); XLSX is
written by openpyxl's write-only workbook to a temporary file, which is then streamed.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from apps.core.templatetags.office_dates import as_day, as_minute

EXPORT_FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 500

T = TypeVar("T")

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    type={"type": "string", "enum": list(EXPORT_FORMATS)},
    location=OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy(
        "导出文件：csv 或 xlsx。与列表相同的筛选条件与可见范围，全部行（不分页），中文表头；不带此参数时返回 JSON 列表。"
    ),
)


def export_responses(json_response: Any) -> dict[Any, Any]:
    """The OpenAPI responses of a list that also exports: its JSON page, a CSV file, an XLSX file."""
    return {(200, "application/json"): json_response, (200, "text/csv"): bytes, (200, XLSX): bytes}


@dataclass(frozen=True)
class Column:
    """One column of an export: `key` a dotted path into the row, `header` the Chinese title, `kind` how the value
    is written (text, day, minute, yes_no, percent: a ratio 0.333 as 33.3%), `empty` what stands for no value."""

    key: str
    header: Any
    kind: str = "text"
    empty: str = ""


def _yes_no(value: Any) -> str:
    return _("是") if value else _("否")


_FORMATTERS: dict[str, Callable[[Any], Any]] = {
    "day": lambda value: as_day(value, ""),
    "minute": lambda value: as_minute(value, ""),
    "yes_no": _yes_no,
    "percent": lambda value: f"{float(value) * 100:.1f}%",
}


def _lookup(row: Mapping[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def cell(value: Any, kind: str = "text", empty: str = "") -> Any:
    """A value as a person reads it: None `empty`, booleans 是/否, dates in the office's form, lists joined by 、."""
    if value is None or value == "":
        return empty
    formatter = _FORMATTERS.get(kind)
    if formatter is not None:
        return formatter(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(cell(item)) for item in value)
    return str(value)


def row_values(row: Mapping[str, Any], columns: Iterable[Column]) -> list[Any]:
    return [cell(_lookup(row, column.key), column.kind, column.empty) for column in columns]


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """`items` in lists of `size`; a queryset is read with .iterator(), never loaded whole."""
    iterator = items.iterator(chunk_size=size) if hasattr(items, "iterator") else iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[Any], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines, the first a byte-order mark with the header."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(title) for title in header])
    for values in rows:
        yield writer.writerow(values)


def export_response(
    *, rows: Iterable[Mapping[str, Any]], columns: list[Column], filename: str, fmt: str
) -> StreamingHttpResponse | FileResponse:
    """The rows as a CSV or XLSX download named `filename` (without extension; Chinese is fine: RFC 5987)."""
    header = [str(column.header) for column in columns]
    values = (row_values(row, columns) for row in rows)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, values), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.csv")
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(filename[:31])
    sheet.append(header)
    for line in values:
        sheet.append(line)
    spool = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it when the download ends
    book.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def export_format(request: Any) -> str | None:
    """csv or xlsx when the list is asked for as a file, None for the JSON list."""
    fmt = request.query_params.get("format")
    return fmt if fmt in EXPORT_FORMATS else None


class ExportableList:
    """A list APIView that answers `?format=csv|xlsx` with a file. DRF reads `format` as its renderer override (a
    value no renderer has is a 404): here csv and xlsx are left to the view, and any other unknown value is a 400
    naming the parameter. Other methods of the view (a POST beside the list) are left as DRF has them."""

    def perform_content_negotiation(self, request: Any, force: bool = False) -> Any:
        fmt = request.query_params.get("format")
        renderers = self.get_renderers()  # type: ignore[attr-defined]  # an APIView's
        if (
            not force
            and request.method == "GET"
            and fmt is not None
            and fmt not in {renderer.format for renderer in renderers}
        ):
            if fmt in EXPORT_FORMATS:
                return (renderers[0], renderers[0].media_type)
            raise serializers.ValidationError(
                {"format": [_("不支持的导出格式“%(format)s”，应为 csv 或 xlsx。") % {"format": fmt[:20]}]}
            )
        return super().perform_content_negotiation(request, force=force)  # type: ignore[misc]  # an APIView's


def export_links(api_url: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The download buttons of a page: (label, URL) of its list's API as CSV and as XLSX, with the page's filters."""
    query = {key: value for key, value in params.items() if value not in (None, "") and key not in ("format", "page")}
    return [
        (_("下载 CSV"), f"{api_url}?{urlencode({**query, 'format': 'csv'})}"),
        (_("下载 Excel"), f"{api_url}?{urlencode({**query, 'format': 'xlsx'})}"),
    ]
