from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = _("Chorus core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from django.contrib.auth import signals as auth_signals

        from . import receivers
        from .signals import member_deactivated

        auth_signals.user_logged_in.connect(
            receivers.on_user_logged_in, dispatch_uid="advocacy.sessions.logged_in"
        )
        auth_signals.user_logged_out.connect(
            receivers.on_user_logged_out, dispatch_uid="advocacy.sessions.logged_out"
        )
        account_signals.password_reset.connect(
            receivers.on_password_reset, dispatch_uid="advocacy.sessions.password_reset"
        )
        account_signals.password_changed.connect(
            receivers.on_password_changed, dispatch_uid="advocacy.sessions.password_changed"
        )
        member_deactivated.connect(
            receivers.on_member_deactivated, dispatch_uid="advocacy.sessions.member_deactivated"
        )
