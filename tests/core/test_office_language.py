import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.core.i18n import in_office_language, office_language


def _severity_label():
    return gettext("严重")


def test_official_text_is_chinese_whatever_the_screen_language():
    with translation.override("en"):
        assert _severity_label() == "Serious"  # the person's language
        assert in_office_language(_severity_label)() == "严重"  # what goes into letters and records
        with office_language():
            assert gettext("严重") == "严重"
        assert translation.get_language() == "en"


@pytest.mark.django_db
def test_the_admin_is_titled_for_the_product(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-2026-root")
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert "信用修复与异议办理 · 系统管理" in html
    assert "Django" not in html.split("<body", 1)[1].split("</header>", 1)[0]
