"""Reads for reports. The monthly report's 两书同达 row comes from the decisions app."""

from datetime import date
from typing import Any

from apps.decisions.selectors import two_documents_coverage as _two_documents_coverage


def two_documents_coverage(*, month: date, department_id: int | None = None) -> dict[str, Any]:
    """{"month", "numerator", "denominator", "ratio", "missing": [...]} for decisions delivered in `month`."""
    return _two_documents_coverage(month=month, department_id=department_id)
