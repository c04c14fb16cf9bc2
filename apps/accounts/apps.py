from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("用户与部门")

    def ready(self) -> None:
        from apps.accounts.services import role_groups_sync

        def _sync(sender, **kwargs):
            role_groups_sync(using=kwargs.get("using", "default"))

        # Permissions exist only after every app migrated; the role groups are rebuilt from code each time.
        post_migrate.connect(_sync, sender=self, dispatch_uid="accounts.role_groups_sync", weak=False)
