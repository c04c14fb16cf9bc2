"""What the deadline events apps.sla writes into a case's history are called, in plain words. Case apps show these
labels; they never word them again."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "deadline_opened": _("开始计时"),
    "deadline_paused": _("计时暂停"),
    "deadline_resumed": _("恢复计时"),
    "deadline_extended": _("延长时限"),
    "deadline_closed": _("停止计时"),
}
