"""What allauth's provider registry loads for this app (``<app>.provider.provider_classes``)."""

from .facebook.provider import FacebookPagesProvider
from .instagram.provider import InstagramLoginProvider

provider_classes = [InstagramLoginProvider, FacebookPagesProvider]
