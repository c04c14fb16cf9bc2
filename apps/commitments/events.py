"""What the events apps.commitments writes into a case's history are called, in plain words. Case apps show these
labels; they never word them again."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "commitment_signed": _("签署信用承诺书"),
    "commitment_checked": _("核查承诺履约"),
}
