"""Output serializers of the shared case machinery, one per audience: documents, letters and tasks.

A party's serializer has no internal field (who uploaded, who holds a task, what a step expects), so nothing can
leak by forgetting to drop a key. Repairs and objections use the document and letter shapes in their case reads.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.casework.models import Document


class DocumentOutput(serializers.Serializer):
    """A file of the case as its party sees it (its own filing's)."""

    id = serializers.IntegerField()
    purpose = serializers.CharField()
    title = serializers.SerializerMethodField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_title(self, document: Document) -> str:
        return document.title or document.original_name

    def get_url(self, document: Document) -> str:
        return f"/api/v1/documents/{document.pk}"


class StaffDocumentOutput(DocumentOutput):
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True, default=None)


class RecipientOutput(serializers.Serializer):
    uscc = serializers.CharField(source="recipient_uscc")
    name = serializers.CharField(source="recipient_name")


class LetterOutput(serializers.Serializer):
    """A letter of the case (apps.letters.models.Letter). A party gets only those addressed to its subject."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    recipient = RecipientOutput(source="*")
    issuer = serializers.CharField(source="department.name", allow_null=True, default=None)
    status = serializers.CharField()
    verification_code = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, letter) -> str:
        return f"/api/v1/letters/{letter.pk}.pdf"


class TaskCaseOutput(serializers.Serializer):
    """The case of a task as its party sees it: which case, where it stands."""

    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True, default=None)
    url = serializers.CharField()


class PartyTaskOutput(serializers.Serializer):
    """A step of the party's case: what is being done and where it stands, not who holds it."""

    id = serializers.IntegerField()
    step = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    case = TaskCaseOutput(allow_null=True)


class StaffTaskOutput(PartyTaskOutput):
    reference = serializers.CharField(allow_null=True, help_text=_("案件编号"))
    case_type = serializers.CharField(allow_null=True, help_text=_("案件类型"))
    enterprise = serializers.CharField(allow_null=True, help_text=_("企业名称"))
    uscc = serializers.CharField(allow_null=True, help_text=_("统一社会信用代码"))
    department = serializers.CharField(allow_null=True, help_text=_("承办部门"))
    due_date = serializers.DateField(allow_null=True, help_text=_("当前环节期限"))
    working_days_left = serializers.IntegerField(allow_null=True, help_text=_("距环节期限的工作日数，超期为负"))
    overdue = serializers.BooleanField(help_text=_("是否已超期"))
    case_page = serializers.CharField(allow_null=True, help_text=_("工作台案件页面"))
    process_id = serializers.IntegerField()
    flow = serializers.CharField()
    owner = serializers.CharField(allow_null=True, help_text=_("领取人账号"))
    assigned = serializers.DateTimeField(allow_null=True)
    case = serializers.DictField(allow_null=True, help_text=_("案件摘要（由案件类型提供）"))  # type: ignore[assignment]
    actions = serializers.ListField(child=serializers.ChoiceField(choices=["claim", "release", "complete"]))


class TaskInputFieldOutput(serializers.Serializer):
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    choices = serializers.ListField(child=serializers.JSONField(), required=False)
    help_text = serializers.CharField(required=False)  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class StaffTaskDetailOutput(StaffTaskOutput):
    input = serializers.DictField(child=TaskInputFieldOutput(), help_text=_("办理该步骤时提交的字段"))
    help_text = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
