from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人（企业）")
    CLERK = "clerk", _("受理网点工作人员")
    OFFICER = "officer", _("承办人")
    REVIEWER = "reviewer", _("审核人")
    MONITOR = "monitor", _("信用办监测人员")
    TRAINER = "trainer", _("培训协调人")
    HEAD = "head", _("科室负责人")
    ADMIN = "admin", _("系统管理员")


STAFF_ROLES = {Role.CLERK, Role.OFFICER, Role.REVIEWER, Role.MONITOR, Role.TRAINER, Role.HEAD, Role.ADMIN}


class Department(models.Model):
    """A department that decides records and works cases (市场监管局, 税务局 …) or the credit office itself."""

    class Sector(models.TextChoices):
        CREDIT_OFFICE = "credit_office", _("信用办（发展改革）")
        MARKET_REGULATION = "market_regulation", _("市场监管")
        TAX = "tax", _("税务")
        ECOLOGY = "ecology", _("生态环境")
        HOUSING = "housing", _("住房城乡建设")
        HUMAN_RESOURCES = "human_resources", _("人力资源社会保障")
        OTHER = "other", _("其他")

    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    region_code = models.CharField(_("行政区划代码"), max_length=6)
    sector = models.CharField(_("领域"), max_length=32, choices=Sector.choices, default=Sector.OTHER)
    # Object permissions for the department's cases and records are granted to this group (django-guardian).
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="department", editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.APPLICANT)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("所属部门")
    )
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["officer", "reviewer", "head"]) | models.Q(department__isnull=False),
                name="accounts_user_officer_has_department",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        """The person's name where Django and Viewflow show one (the workbench menu, a task's owner)."""
        return self.display_name or super().get_full_name()

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES
