from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data only. Sits on top of every other app; nothing imports it."""

    name = "apps.demo"
    label = "demo"
    verbose_name = _("演示数据")
