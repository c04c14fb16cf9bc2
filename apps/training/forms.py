from django import forms
from django.utils.translation import gettext_lazy as _

from apps.training.models import TrainingSession


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm):
    """A trainer's session form; the model's clean() checks place or link and the order of the times."""

    region_code = forms.RegexField(
        regex=r"^\d{6}$", label=_("行政区划代码"), error_messages={"invalid": _("请填写6位行政区划代码。")}
    )

    link = forms.URLField(label=_("线上链接"), max_length=500, required=False, assume_scheme="https")
    mode = forms.ChoiceField(label=_("培训方式"), choices=[("", _("请选择")), *TrainingSession.Mode.choices])

    class Meta:
        model = TrainingSession
        fields = ["topic", "mode", "place", "link", "capacity", "starts_at", "ends_at", "region_code"]
        widgets = {"starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput()}


class CheckInForm(forms.Form):
    subject = forms.CharField(label=_("主体"), max_length=32)
    code = forms.CharField(label=_("签到码"), max_length=16)
