from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.commitments import web_urls as commitment_urls
from apps.core import views as core_views
from apps.reports import views as reports_views
from apps.training import web_urls as training_urls

# The administration is titled for the product, not "Django 管理".
admin.site.site_header = _("信用修复与异议办理 · 系统管理")
admin.site.site_title = _("信用修复与异议办理")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("verify/", include("apps.letters.web_urls")),
    path("commitments/register/", include("apps.commitments.web_urls")),
    path("", include("apps.casework.web_urls")),
    path("workbench/stats/", include("apps.reports.web_urls")),
    path("workbench/dashboard/", reports_views.sla_dashboard_page, name="sla-dashboard"),
    path("workbench/credit-check/", include("apps.sanctions.web_urls")),
    path("portal/repairs/", include("apps.repairs.web_urls")),
    path("portal/objections/", include("apps.objections.web_urls")),
    path("workbench/training/", include(training_urls.workbench_urlpatterns)),
    path("portal/training/", include(training_urls.portal_urlpatterns)),
    path("workbench/commitments/", include(commitment_urls.workbench_urlpatterns)),
    path("portal/commitments/", include(commitment_urls.portal_urlpatterns)),
    path("", include("apps.notifications.web_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split: the page's script is served from the same URL (?script), not inline, for the Content-Security-Policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", core_views.healthz, name="healthz"),
]

# A lost database connection that surfaces outside a view is a 503 with Retry-After, not the 500 page.
handler500 = "apps.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
