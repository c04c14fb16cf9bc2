"""What the events apps.training writes into a case's history are called, in plain words. Case apps show these
labels; they never word them again."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "training_certificate_attached": _("附入培训证明"),
}
