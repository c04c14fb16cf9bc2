"""Forms of the applicant portal. They validate input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.api import ID_MAX

from .models import Ground


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
