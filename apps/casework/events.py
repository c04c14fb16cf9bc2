"""What the events apps.casework writes into a case's history (documents, task actions, SLA notices) are called,
in plain words. Case apps show these labels; they never word them again."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "document_attached": _("上传材料"),
    "task_claimed": _("领取任务"),
    "task_released": _("退回任务"),
    "task_completed": _("完成任务"),
    "task_reassigned": _("改派任务"),
    "sla_due_soon": _("临期提醒"),
    "sla_breach": _("超期督办"),
    "sla_notice_acknowledged": _("督办已处理"),
}
