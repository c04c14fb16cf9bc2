"""The unread count in the header of every page, and the link to the person's notification settings."""

from django import template

from apps.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context, material: bool = False) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    staff = bool(user and user.has_perm("casework.use_workbench"))
    url = "/workbench/notifications/" if staff else "/portal/notifications/"
    return {
        "count": unread_count(user=user),
        "url": url,
        "preferences_url": f"{url}preferences/" if user is not None and user.is_authenticated else "",
        "material": material,
    }
