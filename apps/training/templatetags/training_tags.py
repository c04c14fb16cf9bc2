from django import template

from apps.training.selectors import certificate_evidence_of

register = template.Library()


@register.filter
def training_certificates(case) -> list:
    """The training certificates attached to `case` as evidence (for case pages built from the case itself)."""
    return certificate_evidence_of(case=case) if case is not None and case.pk else []
