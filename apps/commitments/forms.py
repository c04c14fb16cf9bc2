from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.commitments.models import MATTER_TYPE_CHOICES, SIX_TYPES, CommitmentType


def six_type_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in CommitmentType.choices if value in SIX_TYPES]


class StaffCommitmentForm(forms.Form):
    """An officer records a commitment a subject signed on paper; it is received by the officer's department."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    type = forms.ChoiceField(label=_("承诺类型"), choices=six_type_choices)
    matter_type = forms.ChoiceField(label=_("承诺事项类型"), choices=MATTER_TYPE_CHOICES)
    matter_reference = forms.CharField(label=_("事项编号"), max_length=100)
    signer_name = forms.CharField(label=_("签署人"), max_length=100)
    signer_capacity = forms.CharField(label=_("签署人身份"), max_length=50, required=False, initial="法定代表人")
    signed_on = forms.DateField(
        label=_("签署日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("空=今天")
    )


class PortalCommitmentForm(forms.Form):
    """A representative signs a commitment online for a subject it represents."""

    uscc = forms.ChoiceField(label=_("承诺主体"))
    type = forms.ChoiceField(label=_("承诺类型"), choices=six_type_choices)
    matter_type = forms.ChoiceField(label=_("承诺事项类型"), choices=MATTER_TYPE_CHOICES)
    matter_reference = forms.CharField(label=_("事项编号"), max_length=100)
    department = forms.ModelChoiceField(
        label=_("承诺向其作出的部门"), queryset=Department.objects.none(), to_field_name="code"
    )
    signer_name = forms.CharField(label=_("签署人"), max_length=100)
    signer_capacity = forms.CharField(label=_("签署人身份"), max_length=50, required=False, initial="法定代表人")
    accepted = forms.BooleanField(label=_("已阅读并同意所选类型承诺书全文"))

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].choices = [(s.uscc, f"{s.name}（{s.uscc}）") for s in subjects]
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("code")


class CheckOutcomeForm(forms.Form):
    fulfilled = forms.TypedChoiceField(
        label=_("核查结果"),
        choices=[("1", _("已履约")), ("0", _("违反承诺"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("核查说明"), max_length=2000, required=False)
