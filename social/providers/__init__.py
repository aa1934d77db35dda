"""allauth providers for the networks whose built-in allauth providers speak retired flows.

* ``instagram``: "Instagram API with Instagram Login" (allauth's own ``instagram`` provider is the
  retired Basic Display flow): authorize on www.instagram.com, code -> 1-hour token on
  api.instagram.com, then at once the 60-day token (``ig_exchange_token``).
* ``facebook``: Facebook Login for the pages a person manages: code -> user token ->
  60-day user token (``fb_exchange_token``) -> page tokens from ``/me/accounts``.

LinkedIn needs nothing of ours here: it is allauth's ``openid_connect`` provider with id
``linkedin`` (settings). Every base URL is read from ``settings.NETWORK_BASES`` at request time,
so the sandbox and the real networks run the same code. What a completed login yields is
handed to ``social.oauth`` (the socialaccount adapter), which stores it encrypted.
"""
