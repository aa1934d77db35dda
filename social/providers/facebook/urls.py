from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import FacebookPagesProvider

urlpatterns = default_urlpatterns(FacebookPagesProvider)
