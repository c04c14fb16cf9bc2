"""Form helpers of the plain pages: a refusal's messages shown next to the field they concern."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def field_errors(errors, *names) -> str:
    """The messages of `errors` ({field: [message]}) for any of `names`, each as <span class="field-error">."""
    messages = [message for name in names for message in (errors or {}).get(name, [])]
    return format_html_join("", '<span class="field-error" role="alert">{}</span>', ((m,) for m in messages))
