"""Pages under ``/o/<org_slug>/guidelines/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="guidelines_documents"),
    path("new/", views.DocumentCreateView.as_view(), name="guidelines_document_create"),
    path("check/", views.CaptionCheckView.as_view(), name="guidelines_check"),
    path("rules/", views.RuleListView.as_view(), name="guidelines_rules"),
    path("rules/new/", views.RuleCreateView.as_view(), name="guidelines_rule_create"),
    path("rules/<int:rule_id>/", views.RuleEditView.as_view(), name="guidelines_rule_edit"),
    path(
        "rules/<int:rule_id>/toggle/", views.RuleToggleView.as_view(), name="guidelines_rule_toggle"
    ),
    path(
        "rules/<int:rule_id>/delete/", views.RuleDeleteView.as_view(), name="guidelines_rule_delete"
    ),
    path("<int:document_id>/", views.DocumentDetailView.as_view(), name="guidelines_document"),
    path(
        "<int:document_id>/accept/",
        views.DocumentAcknowledgeView.as_view(),
        name="guidelines_document_acknowledge",
    ),
    path(
        "<int:document_id>/acceptances/",
        views.DocumentAcceptancesView.as_view(),
        name="guidelines_document_acceptances",
    ),
    path(
        "<int:document_id>/remind/",
        views.DocumentRemindView.as_view(),
        name="guidelines_document_remind",
    ),
    path(
        "<int:document_id>/edit/", views.DocumentEditView.as_view(), name="guidelines_document_edit"
    ),
    path(
        "<int:document_id>/preview/",
        views.DocumentPreviewView.as_view(),
        name="guidelines_document_preview",
    ),
    path(
        "<int:document_id>/images/",
        views.ImageUploadView.as_view(),
        name="guidelines_image_upload",
    ),
    path(
        "<int:document_id>/images/<int:image_id>/delete/",
        views.ImageDeleteView.as_view(),
        name="guidelines_image_delete",
    ),
    path(
        "<int:document_id>/versions/<int:version_id>/",
        views.VersionDetailView.as_view(),
        name="guidelines_version",
    ),
    path(
        "<int:document_id>/versions/<int:version_id>/publish/",
        views.VersionPublishView.as_view(),
        name="guidelines_version_publish",
    ),
]
