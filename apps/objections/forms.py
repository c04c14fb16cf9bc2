"""Forms of the applicant portal and of the workbench's verify step. They validate input; services decide.

The verify step takes corrections as one optional field per record field an objection may correct
(subjects.services.CORRECTABLE_FIELDS), never typed JSON; VerifyForm hands the task handler the same payload as
POST /api/v1/tasks/{id}/complete ({"corrections": {"fine_amount": "5000.00"}, ...})."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.api import ID_MAX
from apps.subjects.models import NegativeRecord, Severity
from apps.subjects.selectors import record_value_words
from apps.subjects.services import CORRECTABLE_FIELDS

from .models import Ground, Objection, Outcome


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ObjectionFileForm(forms.Form):
    record = forms.IntegerField(label=_("异议信息编号"), min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)
    subject = forms.ChoiceField(label=_("提出异议的主体"))
    ground = forms.ChoiceField(label=_("异议理由"), choices=Ground.choices)
    statement = forms.CharField(label=_("异议陈述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\- ]{5,20}$", required=False)
    files = MultipleFileField(label=_("证明材料（PDF/JPEG/PNG，可多选）"), required=False)  # type: ignore[assignment]  # a declared field named like BaseForm.files; the form metaclass takes it out of the class
    commitment_signer_name = forms.CharField(label=_("承诺书签署人"), max_length=100)
    commitment_signer_capacity = forms.CharField(label=_("签署人身份"), max_length=50, initial="法定代表人")
    commitment_accepted = forms.BooleanField(label=_("本单位已阅读并签署上述异议申诉信用承诺书"))

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.uscc, f"{s.name}（{s.uscc}）") for s in subjects]


class MaterialForm(forms.Form):
    answer = forms.CharField(label=_("补充说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("补充材料（PDF/JPEG/PNG，可多选）"), required=False)  # type: ignore[assignment]  # a declared field named like BaseForm.files; the form metaclass takes it out of the class


CORRECTION_PREFIX = "correct_"


def _correction_field(name: str) -> forms.Field:
    """An optional form field for the corrected value of one record field, labelled 更正后的<field name>."""
    model_field = NegativeRecord._meta.get_field(name)
    assert isinstance(model_field, models.Field)  # CORRECTABLE_FIELDS are the record's own columns
    label = gettext("更正后的%(field)s") % {"field": model_field.verbose_name}
    options: dict[str, Any] = {"required": False, "label": label}
    if name == "decision_date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if name == "fine_amount":
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), **options)
    if name == "severity":
        return forms.ChoiceField(choices=[("", "---------"), *Severity.choices], **options)
    if name == "penalty_types":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **options)
    max_length = getattr(model_field, "max_length", None)
    widget = forms.Textarea(attrs={"rows": 3}) if max_length is None or max_length > 200 else forms.TextInput()
    return forms.CharField(max_length=max_length, widget=widget, strip=True, **options)


def _json_ready(name: str, value: Any) -> Any:
    """A form value in the shape the task API takes it (and record_corrections_clean reads)."""
    if name == "penalty_types":
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))  # an amount in yuan and fen, as the record keeps it
    return value


class VerifyForm(forms.Form):
    """核查异议: the proposal (outcome, reasons, corrections field by field, finding) or the one material request."""

    action = forms.ChoiceField(
        label=_("办理方式"),
        choices=[("propose", _("提出核查结果")), ("request_material", _("要求补充材料（仅一次，计时暂停）"))],
        initial="propose",
    )
    outcome = forms.ChoiceField(
        label=_("核查结果"),
        choices=[("", "---------"), *Outcome.choices],
        required=False,
        help_text=_("更正、删除、维持、无法确认"),
    )
    reasons = forms.CharField(
        label=_("理由"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    finding = forms.CharField(
        label=_("核查情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("无法确认时：核查情况"),
    )
    request = forms.CharField(
        label=_("要求补充的材料"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("要求补充材料时：一次性列明全部材料"),
    )

    def __init__(self, *args: Any, case: Objection | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record = case.record if case is not None else None
        for name in CORRECTABLE_FIELDS:
            field = _correction_field(name)
            hint = gettext("核查结果为“更正”时填写；只填要更正的项。")
            if record is not None:
                hint = (
                    gettext("原内容：%(value)s。") % {"value": record_value_words(name, getattr(record, name))} + hint
                )
            field.help_text = hint
            self.fields[CORRECTION_PREFIX + name] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        correction_errors = any(CORRECTION_PREFIX + name in self.errors for name in CORRECTABLE_FIELDS)
        if data.get("outcome") == Outcome.CORRECTED and not self.corrections() and not correction_errors:
            self.add_error(
                None, gettext("核查结果为“更正”时，请至少填写一项更正后的内容（更正后的决定文书号、决定日期等）。")
            )
        elif data.get("outcome") and data.get("outcome") != Outcome.CORRECTED:
            for name in self.corrections():
                self.add_error(CORRECTION_PREFIX + name, gettext("只有“更正”需要填写更正内容。"))
        return data

    def corrections(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            name: _json_ready(name, data[CORRECTION_PREFIX + name])
            for name in CORRECTABLE_FIELDS
            if data.get(CORRECTION_PREFIX + name) not in (None, "")
        }

    def payload(self) -> dict[str, Any]:
        """The data of the step's input serializer (handlers.VerifyInput), as the task API takes it."""
        data = self.cleaned_data
        payload = {key: data[key] for key in ("action", "outcome", "reasons", "finding", "request") if data.get(key)}
        corrections = self.corrections()
        if corrections:
            payload["corrections"] = corrections
        return payload

    def field_of(self, error_key: str) -> str | None:
        """The form field an error of the serializer or the service is about (corrections.fine_amount →
        correct_fine_amount); None for an error of the whole form."""
        if error_key.startswith("corrections."):
            name = CORRECTION_PREFIX + error_key.split(".", 1)[1]
            return name if name in self.fields else None
        return error_key if error_key in self.fields else None
