"""The social networks Chorus knows, shared by content, guidelines and sharing."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"


#: Caption length limits per network (characters).
MAX_CAPTION_LENGTH: dict[str, int] = {
    Network.LINKEDIN: 3000,
    Network.INSTAGRAM: 2200,
    Network.X: 280,
    Network.FACEBOOK: 63206,
}

ALL_NETWORKS_LABEL = _("All networks")
