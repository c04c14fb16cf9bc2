from django.urls import path

from apps.notifications import views
from apps.notifications.views import PORTAL, STAFF

urlpatterns = [
    path(f"{area}/notifications/", views.inbox, {"area": area}, name=f"notifications-{area}")
    for area in (STAFF, PORTAL)
]
urlpatterns += [
    path(
        f"{area}/notifications/<int:notification_id>/read/",
        views.mark_read,
        {"area": area},
        name=f"notifications-{area}-read",
    )
    for area in (STAFF, PORTAL)
]
urlpatterns += [
    path(f"{area}/notifications/read-all/", views.mark_all_read, {"area": area}, name=f"notifications-{area}-read-all")
    for area in (STAFF, PORTAL)
]
urlpatterns += [
    path(
        f"{area}/notifications/preferences/",
        views.preferences,
        {"area": area},
        name=f"notifications-{area}-preferences",
    )
    for area in (STAFF, PORTAL)
]
