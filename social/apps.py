from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = _("Networks and sharing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from advocacy.signals import member_deactivated

        from .services.member_shares import on_member_deactivated

        member_deactivated.connect(
            on_member_deactivated, dispatch_uid="social.member_shares.on_member_deactivated"
        )
