"""choice_label gives what Django's get_<field>_display gives, in the active language, and the raw value for a value
outside the choices (as Django does)."""

from django.utils import translation

from apps.core.i18n import choice_label
from apps.objections.models import Objection, ObjectionStatus
from apps.repairs.models import RepairCase, RepairKind


def test_choice_label_is_get_display_in_every_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, _label in ObjectionStatus.choices:
                objection = Objection(status=value)
                assert choice_label(objection, "status") == objection.get_status_display()
            for value, _label in RepairKind.choices:
                case = RepairCase(kind=value)
                assert choice_label(case, "kind") == case.get_kind_display()
    assert choice_label(Objection(status="nowhere"), "status") == "nowhere"
