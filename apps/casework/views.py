"""The workbench page of a human step (Viewflow material UI): a form built from the step's input serializer; on
submit the same handler as POST /api/v1/tasks/{id}/complete runs."""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic
from rest_framework import serializers
from viewflow.workflow.flow.views.mixins import TaskSuccessUrlMixin

from apps.casework.registry import case_type_for, task_handler_for
from apps.casework.selectors import case_summary_rows, staff_case_url
from apps.casework.services import task_complete
from apps.core.errors import ApplicationError


class _ListField(forms.CharField):
    """One item per line (text) or separated by commas/whitespace (numbers)."""

    def __init__(self, *, numbers: bool = False, **kwargs: Any) -> None:
        self.numbers = numbers
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[Any]:  # type: ignore[override]  # text in, one item per line out
        text = super().to_python(value) or ""
        if self.numbers:
            return [item for item in text.replace(",", " ").split() if item]
        return [line.strip() for line in text.splitlines() if line.strip()]


class _JsonField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("请填写 JSON。")) from exc


def form_field_for(field: serializers.Field) -> forms.Field:
    """A Django form field for a DRF serializer field (what the workbench can render)."""
    options: dict[str, Any] = {"required": field.required, "label": field.label, "help_text": field.help_text or ""}
    if isinstance(field, serializers.BooleanField):
        if field.allow_null:
            return forms.NullBooleanField(**{**options, "required": False})
        return forms.BooleanField(**{**options, "required": False})
    if isinstance(field, serializers.ChoiceField):
        choices = list(field.choices.items())
        if not field.required:
            choices = [("", "---------"), *choices]
        return forms.ChoiceField(choices=choices, **options)
    if isinstance(field, serializers.DateField):
        return forms.DateField(**options)
    if isinstance(field, serializers.IntegerField):
        return forms.IntegerField(**options)
    if isinstance(field, serializers.ListField):
        return _ListField(numbers=isinstance(field.child, serializers.IntegerField), **options)
    if isinstance(field, serializers.CharField):
        long_text = field.max_length is None or field.max_length > 200
        widget = forms.Textarea(attrs={"rows": 4}) if long_text else forms.TextInput()
        return forms.CharField(max_length=field.max_length, widget=widget, strip=True, **options)
    return _JsonField(widget=forms.Textarea(attrs={"rows": 4}), **options)


def serializer_form_class(serializer_class: type) -> type[forms.Form]:
    fields = {name: form_field_for(field) for name, field in serializer_class().fields.items() if not field.read_only}
    return type(f"{serializer_class.__name__}Form", (forms.Form,), fields)


class CaseTaskView(TaskSuccessUrlMixin, generic.FormView):
    """Execute view of every CaseView node. Runs inside Viewflow's lock and transaction (wrap_view); on submit it
    completes the task with `task_complete`, exactly as the task API does."""

    template_name = "casework/task.html"
    request: Any  # viewflow's request: it carries the started activation

    @property
    def handler(self):
        return task_handler_for(self.request.activation.flow_task)

    def get_form_class(self) -> type[forms.Form]:
        handler = self.handler
        if handler is None:
            return forms.Form
        if handler.form_class is not None:
            return handler.form_class
        return serializer_form_class(handler.input_serializer)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        handler = self.handler
        if handler is not None and handler.form_class is not None:
            kwargs["case"] = self.request.activation.process.artifact
        return kwargs

    @staticmethod
    def _field_of(form: forms.Form, key: str) -> str | None:
        """The form field an error keyed `key` (by the serializer or the service) belongs to, None for the form."""
        field_of = getattr(form, "field_of", None)
        if field_of is not None:
            return field_of(key)
        return key if key in form.fields else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case = self.request.activation.process.artifact
        registered = case_type_for(case._meta.label_lower) if case is not None else None
        context["case"] = case
        context["case_rows"] = case_summary_rows(case=case) if registered else []
        context["case_page"] = staff_case_url(case_type=registered.label, case_id=case.pk) if registered else None
        context["help_text"] = self.handler.help_text if self.handler else ""
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        handler = self.handler
        if handler is None:
            form.add_error(None, _("该任务不能在此办理。"))
            return self.form_invalid(form)
        payload = getattr(form, "payload", None)
        if payload is not None:
            values = payload()
        else:
            values = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        data = handler.input_serializer(
            data=values, context={"request": self.request, "task": self.request.activation.task}
        )
        if not data.is_valid():
            for name, errors in data.errors.items():
                form.add_error(self._field_of(form, name), [str(e) for e in errors])
            return self.form_invalid(form)
        activation = self.request.activation
        try:
            # The same service as POST /api/v1/tasks/{id}/complete (a savepoint: a refusal leaves the page's
            # transaction usable to render the form again).
            with transaction.atomic():
                task_complete(task=activation.task, data=data.validated_data, acting_user=self.request.user)
        except ApplicationError as exc:
            placed = False
            for name, errors in exc.fields.items():
                field = self._field_of(form, name)
                if field is not None:
                    form.add_error(field, errors)
                    placed = True
            if not placed:
                form.add_error(None, exc.detail)
            return self.form_invalid(form)
        messages.success(self.request, _("已办理：%(title)s。") % {"title": activation.flow_task.task_title})
        return HttpResponseRedirect(self.get_success_url())
