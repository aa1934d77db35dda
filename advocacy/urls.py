"""Root URLconf. Tenant pages live under ``/o/<org_slug>/``, the tenant API under
``/api/v1/orgs/<org_slug>/``; apps contribute ``org_urlpatterns`` and ``api_urlpatterns``."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from . import views
from .api import urls as api_urls

org_urlpatterns = [
    path("", views.OrgHomeView.as_view(), name="org_home"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("o/<slug:org_slug>/", include(org_urlpatterns)),
    path("api/v1/", include(api_urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "advocacy.errors.permission_denied"
handler404 = "advocacy.errors.page_not_found"
handler500 = "advocacy.errors.server_error"
