import itertools
from datetime import date

from apps.subjects.models import RecordKind, Severity
from apps.subjects.services import record_create, subject_create
from apps.subjects.uscc import make_uscc

_counter = itertools.count(1)


def a_subject(name: str | None = None, region: str = "420502", **kwargs):
    n = next(_counter)
    uscc = make_uscc("9", "1", region, f"MA4{n:05d}")
    return subject_create(uscc=uscc, name=name or f"宜昌测试企业{n}有限公司", region_code=region, **kwargs)


def a_record(
    subject,
    department,
    kind=RecordKind.ADMINISTRATIVE_PENALTY,
    severity=Severity.GENERAL,
    decided=date(2026, 5, 10),
    **kwargs,
):
    n = next(_counter)
    return record_create(
        subject=subject,
        kind=kind,
        severity=severity,
        department=department,
        decision_no=kwargs.pop("decision_no", f"宜市监罚〔2026〕{n}号"),
        decision_date=decided,
        **kwargs,
    )
