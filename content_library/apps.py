from django.apps import AppConfig


class ContentLibraryConfig(AppConfig):
    name = "content_library"
    default_auto_field = "django.db.models.BigAutoField"
