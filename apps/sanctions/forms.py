from django import forms
from django.utils.translation import gettext_lazy as _

from apps.sanctions.models import MatterType
from apps.subjects.uscc import validate_uscc


class CreditCheckForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=32)
    matter_type = forms.ChoiceField(label=_("事项类型"), choices=MatterType.choices)
    matter_reference = forms.CharField(label=_("事项编号"), max_length=100)

    def clean_uscc(self) -> str:
        result = validate_uscc(self.cleaned_data["uscc"])
        if not result.valid:
            raise forms.ValidationError([e.message for e in result.errors])
        return result.code


class FeedbackForm(forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    applied = forms.TypedChoiceField(
        label=_("实施情况"),
        choices=[("1", _("已实施")), ("0", _("未实施"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)
