from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("用户与部门")

    def ready(self) -> None:
        from django.apps import apps

        from apps.accounts.services import role_groups_sync

        def _sync(sender, **kwargs):
            # Permissions of an app are created by its own post_migrate; wait for the last app's signal.
            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender.label == with_models[-1].label:
                role_groups_sync(using=kwargs.get("using", "default"))

        post_migrate.connect(_sync, dispatch_uid="accounts.role_groups_sync", weak=False)
