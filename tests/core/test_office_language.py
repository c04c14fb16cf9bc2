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
