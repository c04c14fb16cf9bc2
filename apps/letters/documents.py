"""From a Letter row to the HTML WeasyPrint lays out: template, context snapshot, verification code and QR code."""

import functools
import secrets

import segno
from django.conf import settings
from django.template import engines
from django.template.loader import get_template

from apps.core import clock
from apps.letters.models import Letter, LetterTemplate
from apps.letters.pdf import RenderItem

# Crockford's base32: no I, L, O, U, so a code read aloud or retyped from paper is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed (lower case, spaces, dashes, O for 0) to the stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum()).translate(_READ_AS)[:32]


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL


def verify_url(code: str) -> str:
    return f"{public_base_url()}/verify/{code}"


def qr_data_uri(url: str) -> str:
    """A PNG with one pixel per module, scaled up without smoothing by the stylesheet (image-rendering: pixelated):
    sharp when printed, a few hundred bytes, and much cheaper to draw than the equivalent SVG path."""
    # A fixed mask skips the evaluation of all eight (4 ms -> 1 ms per letter); any mask scans.
    return segno.make_qr(url, error="m", mask=0).png_data_uri(border=0, scale=1)


@functools.lru_cache(maxsize=64)
def _stored_template(template_id: int, body_text: str):
    return engines["django"].from_string(body_text)


def compiled_template(template: LetterTemplate):
    if template.body_path:
        return get_template(template.body_path)
    return _stored_template(template.pk, template.body_text)


def letter_meta(letter: Letter) -> dict:
    url = verify_url(letter.verification_code)
    return {
        "key": letter.pk,
        "title": letter.title,
        "verification_code": letter.verification_code,
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url),
        "issued_on": clock.business_date(letter.created_at),
        "department_name": letter.department.name if letter.department else "",
        "issuer_header": letter.issuer_header or (letter.department.name if letter.department else ""),
        "doc_no": letter.doc_no,
        "recipient_name": letter.recipient_name,
        "recipient_uscc": letter.recipient_uscc,
    }


def letter_fragment(letter: Letter) -> str:
    """The letter's HTML. The context is the stored JSON snapshot, so a re-render shows what was decided then."""
    context = {**letter.context, "letter": letter_meta(letter)}
    return compiled_template(letter.template).render(context)


def render_item(letter: Letter) -> RenderItem:
    return RenderItem(
        key=letter.pk,
        html=letter_fragment(letter),
        title=letter.title,
        verification_code=letter.verification_code,
        verify_url=verify_url(letter.verification_code),
    )
