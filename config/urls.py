from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from core import views as core_views

admin.site.site_header = _("Kỷ Cương administration")
admin.site.site_title = "Kỷ Cương"

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("tasks.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include("reform.api_urls")),
    path("", include("emulation.api_urls")),
    path("", include("documents.api_urls")),
]

urlpatterns = [
    path("", include("reports.urls")),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("tasks/", include("tasks.urls")),
    path("inspections/", include("inspections.urls")),
    path("reform/", include("reform.urls")),
    path("emulation/", include("emulation.urls")),
    path("documents/", include("documents.urls")),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A government system does not publish the map of its API: the schema answers signed-in users
    # only (SERVE_PERMISSIONS), and the docs page sends anyone else to the sign-in page.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

# Uploaded files are never served from MEDIA_URL, not even in development: evidence is read only
# through the views that check who may see it (tasks/evidence/<id>/, inspections/evidence/<id>/).

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
