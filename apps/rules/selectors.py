"""The rule in force: the most specific row whose dates cover the event date."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.rules.models import Rule

RULE_MISSING = "rule_missing"


def rule_in_force(
    *,
    code: str,
    on: date,
    record_kind: str = "",
    severity: str = "",
    sector: str = "",
    region_code: str = "",
) -> Rule:
    """Rows match when each of their dimensions is blank or equal (region: a prefix of the case's region).

    Among matches the most specific wins (more dimensions, then the longer region prefix), then the newest.
    """
    candidates = Rule.objects.filter(code=code, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        Q(record_kind="") | Q(record_kind=record_kind),
        Q(severity="") | Q(severity=severity),
        Q(sector="") | Q(sector=sector),
    )
    matches = [r for r in candidates if not r.region_code or region_code.startswith(r.region_code)]
    if not matches:
        raise ApplicationError(
            RULE_MISSING,
            _("%(date)s 没有生效的规则 %(code)s，请管理员补充规则版本。") % {"date": on.isoformat(), "code": code},
            extra={"rule": code, "on": on.isoformat()},
            status_code=422,
        )
    return max(matches, key=lambda r: (*r.specificity, r.effective_from, r.pk))


def rule_value(**kwargs) -> int:
    return rule_in_force(**kwargs).value


def rule_in_force_or_none(**kwargs) -> Rule | None:
    """rule_in_force, or None where no row is in force (for rules that may simply not apply, such as a target)."""
    try:
        return rule_in_force(**kwargs)
    except ApplicationError as exc:
        if exc.code == RULE_MISSING:
            return None
        raise
