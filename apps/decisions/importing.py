"""Reading decision rows from JSON, CSV or XLSX, and checking each field. No database access here.

A row is a dict of raw values keyed by column name (English keys or the Chinese headers departments use). Parsing
gives clean values and a list of field errors; a bad row never stops the others.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.inputs import InputError, parse_decimal
from apps.decisions.models import DecisionKind, DeliveryMethod
from apps.subjects.models import Severity, Subject
from apps.subjects.uscc import validate_uscc


@dataclass
class FieldError:
    field: str
    code: str
    message: str


class Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _nfkc(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise Invalid("too_long", _("不能超过%(n)d个字符（现有%(m)d个）。") % {"n": max_length, "m": len(text)})
        return text

    return parse


def _choice(choices: type[models.TextChoices], aliases: Mapping[str, str]) -> Callable[[Any], str]:
    by_label = {str(label): value for value, label in choices.choices}

    def parse(value: Any) -> str:
        text = _nfkc(value)
        for candidate in (text, text.lower()):
            if candidate in choices.values:
                return candidate
        found = by_label.get(text) or aliases.get(text)
        if found is None:
            allowed = "、".join(f"{label}（{value}）" for value, label in choices.choices)
            raise Invalid(
                "invalid_choice",
                _("“%(value)s”不是有效的取值，可选：%(allowed)s。") % {"value": text, "allowed": allowed},
            )
        return found

    return parse


KIND_ALIASES = {
    "行政处罚": DecisionKind.ADMINISTRATIVE_PENALTY,
    "行政处罚决定书": DecisionKind.ADMINISTRATIVE_PENALTY,
    "处罚": DecisionKind.ADMINISTRATIVE_PENALTY,
    "列入严重失信主体名单": DecisionKind.SERIOUS_DISHONESTY_LISTING,
    "严重失信主体名单": DecisionKind.SERIOUS_DISHONESTY_LISTING,
    "严重失信主体名单认定": DecisionKind.SERIOUS_DISHONESTY_LISTING,
    "列入严重失信主体名单决定书": DecisionKind.SERIOUS_DISHONESTY_LISTING,
}
DELIVERY_ALIASES = {
    "直接": DeliveryMethod.DIRECT,
    "邮寄": DeliveryMethod.MAIL,
    "电子": DeliveryMethod.ELECTRONIC,
    "留置": DeliveryMethod.LEFT_AT_ADDRESS,
    "委托": DeliveryMethod.ENTRUSTED,
    "公告": DeliveryMethod.ANNOUNCEMENT,
}
DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _nfkc(value)
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    raise Invalid("invalid_date", _("“%(value)s”不是有效日期，请写作 2026-05-10。") % {"value": text})


def parse_uscc(value: Any) -> str:
    result = validate_uscc(_nfkc(value))
    if not result.valid:
        error = result.errors[0]
        raise Invalid(error.code, error.message)
    return result.code


def parse_amount(value: Any) -> Decimal:
    """Yuan, rounded to the fen. The number itself is read by apps.core.inputs (no NaN, Infinity or exponent)."""
    text = value if isinstance(value, int | float | Decimal) else _nfkc(value).replace(",", "").removesuffix("元")
    try:
        return parse_decimal(text, field="fine_amount", round_places=True)
    except InputError as exc:
        raise Invalid("invalid_amount", exc.reason) from None


def parse_list(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else re.split(r"[;；、,，\n]+", str(value))
    items = [str(item).strip() for item in items if str(item).strip()]
    if any(len(item) > 100 for item in items):
        raise Invalid("too_long", _("每一项不能超过100个字符。"))
    return items


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _nfkc(value).lower()
    if text in {"1", "true", "yes", "y", "是", "已送达", "同时送达"}:
        return True
    if text in {"0", "false", "no", "n", "否", "未送达"}:
        return False
    raise Invalid("invalid_boolean", _("“%(value)s”应为“是”或“否”。") % {"value": text})


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any]
    required: bool = False


COLUMNS = [
    Column(
        "department",
        ("department", "department_code", "部门编码", "决定部门编码", "认定部门编码"),
        lambda v: _nfkc(v).upper(),
    ),
    Column("kind", ("kind", "决定类别", "类别", "决定类型"), _choice(DecisionKind, KIND_ALIASES), required=True),
    Column(
        "decision_no",
        ("decision_no", "决定文书号", "文书号", "决定书文号", "行政处罚决定书文号"),
        _text(100),
        required=True,
    ),
    Column("decision_date", ("decision_date", "决定日期", "处罚决定日期", "作出决定日期"), parse_date, required=True),
    Column("uscc", ("uscc", "统一社会信用代码", "信用代码"), parse_uscc, required=True),
    Column("subject_name", ("subject_name", "name", "当事人名称", "主体名称", "当事人"), _text(200), required=True),
    Column("subject_type", ("subject_type", "主体类型"), _choice(Subject.Type, {})),
    Column(
        "severity",
        ("severity", "失信程度", "严重程度"),
        _choice(Severity, {"较轻": Severity.MINOR, "较重": Severity.SERIOUS}),
        required=True,
    ),
    Column("penalty_types", ("penalty_types", "处罚种类", "处罚类别"), parse_list),
    Column("facts", ("facts", "违法事实", "失信事实", "违法行为", "主要违法事实"), _text(5000)),
    Column("legal_basis", ("legal_basis", "处罚依据", "依据"), _text(500)),
    Column("fine_amount", ("fine_amount", "罚没金额", "罚款金额", "罚没金额（元）", "罚款金额（元）"), parse_amount),
    Column("legal_representative", ("legal_representative", "法定代表人", "负责人"), _text(100)),
    Column("address", ("address", "住所", "地址"), _text(300)),
    Column("delivery_method", ("delivery_method", "送达方式"), _choice(DeliveryMethod, DELIVERY_ALIASES)),
    Column("delivered_on", ("delivered_on", "送达日期"), parse_date),
    Column("delivery_receipt", ("delivery_receipt", "送达回证", "送达回证编号"), _text(200)),
    Column("notice_delivered", ("notice_delivered", "告知书同时送达", "是否同时送达告知书"), parse_bool),
]
_BY_ALIAS = {alias.lower(): column for column in COLUMNS for alias in column.aliases}


def column_for(header: Any) -> Column | None:
    return _BY_ALIAS.get(str(header or "").strip().lower())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def parse_row(raw: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean values keyed by column name, and every field error of the row (not just the first)."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    seen: dict[str, Any] = {}
    for key, value in raw.items():
        column = column_for(key)
        if column is not None and not _blank(value):
            seen[column.name] = value
    for column in COLUMNS:
        if column.name not in seen:
            if column.required:
                errors.append(FieldError(column.name, "required", _("必填。")))
            continue
        try:
            values[column.name] = column.parse(seen[column.name])
        except Invalid as exc:
            errors.append(FieldError(column.name, exc.code, exc.message))
    if "delivered_on" in values and "delivery_method" not in values:
        errors.append(FieldError("delivery_method", "required", _("填写了送达日期时必须填写送达方式。")))
    if "decision_date" in values and "delivered_on" in values and values["delivered_on"] < values["decision_date"]:
        errors.append(FieldError("delivered_on", "before_decision", _("送达日期不能早于决定日期。")))
    return values, errors


# Files ------------------------------------------------------------------------------------------------------------

REQUIRED_HEADERS = [column for column in COLUMNS if column.required]
HEADER_SEARCH_ROWS = 10


def _known_columns(headers: list[Any]) -> int:
    return sum(1 for header in headers if column_for(header) is not None)


def _is_header(headers: list[Any]) -> bool:
    present = {column.name for column in (column_for(h) for h in headers) if column}
    return all(column.name in present for column in REQUIRED_HEADERS)


def _check_headers(headers: list[Any]) -> None:
    present = {column.name for column in (column_for(h) for h in headers) if column}
    missing = [column for column in REQUIRED_HEADERS if column.name not in present]
    if missing:
        names = "、".join(f"{column.aliases[1]}（{column.name}）" for column in missing)
        raise ApplicationError(
            "import_columns_missing",
            _("文件缺少必填列：%(names)s。") % {"names": names},
            fields={"file": [_("缺少必填列：%(names)s。") % {"names": names}]},
        )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError("import_encoding", _("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))


def read_csv(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number in the file, row) for each non-empty data row; the header is line 1."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        raise ApplicationError("import_empty", _("文件是空的。"), fields={"file": [_("文件是空的。")]}) from None
    _check_headers(headers)
    last_line = reader.line_num
    for cells in reader:
        start, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        yield start, dict(zip(headers, cells, strict=False))


def read_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number in the first sheet, row). The header row is the first of the first ten non-empty rows that names
    the required columns (sheets often have a title row above it)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ApplicationError(
            "import_unreadable", _("无法读取该 Excel 文件。"), fields={"file": [_("无法读取该 Excel 文件。")]}
        ) from None
    try:
        headers: list[Any] | None = None
        candidates: list[list[Any]] = []
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if not any(not _blank(cell) for cell in cells):
                continue
            if headers is None:
                candidates.append(list(cells))
                if _is_header(candidates[-1]):
                    headers = candidates[-1]
                elif len(candidates) >= HEADER_SEARCH_ROWS:
                    _check_headers(max(candidates, key=_known_columns))
                continue
            yield number, {str(h): cell for h, cell in zip(headers, cells, strict=False) if h is not None}
        if headers is None:
            if not candidates:
                raise ApplicationError("import_empty", _("文件是空的。"), fields={"file": [_("文件是空的。")]})
            _check_headers(max(candidates, key=_known_columns))
    finally:
        workbook.close()


def read_upload(name: str, data: bytes, *, max_rows: int) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The source kind and every data row, read before anything is imported (a bad header imports nothing)."""
    lowered = name.lower()
    if lowered.endswith(".xlsx") or data[:2] == b"PK":
        source, rows = "xlsx", read_xlsx(data)
    elif lowered.endswith((".csv", ".txt")):
        source, rows = "csv", read_csv(data)
    else:
        raise ApplicationError(
            "import_format", _("只支持 CSV 或 XLSX 文件。"), fields={"file": [_("只支持 CSV 或 XLSX 文件。")]}
        )
    result: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        if len(result) >= max_rows:
            message = _("一次最多导入%(n)d行，请拆分文件。") % {"n": max_rows}
            raise ApplicationError("import_too_many_rows", message, fields={"file": [message]})
        result.append(row)
    return source, result
