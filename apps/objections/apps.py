from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "apps.objections"
    label = "objections"
    verbose_name = _("异议处理")

    def ready(self) -> None:
        from apps.core.registry import register_subject_case_provider
        from apps.objections.selectors import subject_objection_cases

        register_subject_case_provider(subject_objection_cases)
