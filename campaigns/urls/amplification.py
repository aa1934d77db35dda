"""Pages of company-page amplification under ``/o/<org_slug>/amplify/`` (the OAuth callback,
one URL for every organization, is ``company_page_callback`` in ``advocacy/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ..views import amplification as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.AmplifyCandidatesView.as_view(), name="amplify_candidates"),
    path(
        "amplifications/<int:amplification_id>/retry/",
        views.AmplificationRetryView.as_view(),
        name="amplification_retry",
    ),
    path("company-pages/", views.CompanyPagesView.as_view(), name="company_pages"),
    path(
        "company-pages/connect/",
        views.CompanyPageConnectView.as_view(),
        name="company_page_connect",
    ),
    path(
        "company-pages/choose/", views.CompanyPageChooseView.as_view(), name="company_page_choose"
    ),
    path(
        "company-pages/<int:company_page_id>/disconnect/",
        views.CompanyPageDisconnectView.as_view(),
        name="company_page_disconnect",
    ),
]
