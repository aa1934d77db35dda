from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialProvidersConfig(AppConfig):
    """Installed so that allauth's provider registry finds ``social.providers.provider``."""

    name = "social.providers"
    label = "social_providers"
    verbose_name = _("Network sign-in providers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from social import oauth

        oauth.connect_signals()
