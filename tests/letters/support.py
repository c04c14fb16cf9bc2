"""Helpers shared by the letters, decisions and reports tests."""

import io
import re
from collections import Counter
from itertools import count

import pypdf
from django.contrib.auth.models import Group, Permission

from apps.accounts.roles import role_group_name
from apps.letters import pdf
from apps.subjects.services import subject_create
from apps.subjects.uscc import make_uscc

# What apps/accounts/roles.py grants the letters/decisions roles; kept here as the list the tests check against.
EXTRA_ROLE_PERMISSIONS = {
    "monitor": [
        "letters.view_letter",
        "letters.view_letterbatch",
        "decisions.view_penaltydecision",
        "decisions.view_decisionimport",
    ],
    "officer": ["decisions.add_penaltydecision", "decisions.change_penaltydecision"],
    "admin": [
        "letters.view_letter",
        "letters.view_letterbatch",
        "decisions.view_penaltydecision",
        "decisions.add_penaltydecision",
        "decisions.change_penaltydecision",
        "decisions.import_any_department",
        "decisions.view_decisionimport",
    ],
}

_serial = count(1)


def grant_extra_role_permissions() -> None:
    """The role groups (rebuilt from apps/accounts/roles.py after migrate) must already carry these permissions."""
    for role, perms in EXTRA_ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role_group_name(role))
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            assert group.permissions.filter(pk=wanted.pk).exists(), f"{role} lacks {perm} in apps/accounts/roles.py"


def new_uscc(category: str = "1") -> str:
    """A valid code, different each call (category 2 = individual business)."""
    n = next(_serial)
    return make_uscc("9", category, "420500", f"MA{n:06d}")


def make_subject(name: str = "宜昌市示例商贸有限公司", *, category: str = "1", **kwargs):
    subject_type = "individual_business" if category == "2" else "enterprise"
    return subject_create(uscc=new_uscc(category), name=name, type=kwargs.pop("type", subject_type), **kwargs)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return pdf.pdf_text(data)


def missing_characters(source: str, extracted: str) -> str:
    """Characters of the source text the PDF text lacks (counted: each occurrence must be there)."""
    wanted, got = Counter(compact(source)), Counter(compact(extracted))
    return "".join(sorted((wanted - got).elements()))


def pdf_fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names
