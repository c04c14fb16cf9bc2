"""The preferences page's form: the same three values as PUT /api/v1/notifications/preferences (email, sms,
muted_kinds), shown the way people think of them: per kind of event, whether it goes out beyond the inbox."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.notifications.models import Kind, Preference


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("邮件通知"), required=False)
    sms = forms.BooleanField(label=_("短信通知"), required=False)
    delivered_kinds = forms.MultipleChoiceField(
        label=_("发送邮件和短信的消息类型"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("未勾选的类型只在站内消息中出现。"),
    )

    @staticmethod
    def initial_of(preference: Preference) -> dict[str, Any]:
        muted = set(preference.muted_kinds or [])
        return {
            "email": preference.email,
            "sms": preference.sms,
            "delivered_kinds": [kind for kind in Kind.values if kind not in muted],
        }

    def preference_values(self) -> dict[str, Any]:
        """The arguments of apps.notifications.services.preference_update."""
        delivered = set(self.cleaned_data["delivered_kinds"])
        return {
            "email": self.cleaned_data["email"],
            "sms": self.cleaned_data["sms"],
            "muted_kinds": [kind for kind in Kind.values if kind not in delivered],
        }

    # The service names its fields as the API does; a refusal on muted_kinds is about this form's kinds.
    SERVICE_FIELDS = {"email": "email", "sms": "sms", "muted_kinds": "delivered_kinds"}
