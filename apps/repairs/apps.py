from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "apps.repairs"
    label = "repairs"
    verbose_name = _("信用修复")
