from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from social.models import Share

        from . import receivers, receivers_boards
        from .services.hashtags import on_share_saved

        receivers.connect()
        receivers_boards.connect()
        # Hashtag tracking: a published share's hashtags are recorded once (see the service).
        post_save.connect(on_share_saved, sender=Share, dispatch_uid="campaigns_share_hashtags")
