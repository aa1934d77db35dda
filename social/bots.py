"""Which requests to a tracked link come from machines: link-preview bots and crawlers.

Preview bots fetch the link when someone pastes it into a post or a chat; they get the
redirect like everyone else but are counted apart from people. Matching is a
case-insensitive substring test on the User-Agent, named so the analytics can say who.
"""

from __future__ import annotations

#: (substring of the User-Agent, lower case) -> the bot's name. Order matters: specific first.
PREVIEW_BOTS: tuple[tuple[str, str], ...] = (
    ("linkedinbot", "LinkedInBot"),
    ("facebookexternalhit", "facebookexternalhit"),
    ("facebot", "Facebot"),
    ("meta-externalagent", "Meta external agent"),
    ("telegrambot", "TelegramBot"),  # "TelegramBot (like TwitterBot)": before Twitterbot
    ("twitterbot", "Twitterbot"),
    ("slackbot", "Slackbot"),
    ("slack-imgproxy", "Slackbot"),
    ("whatsapp", "WhatsApp"),
    ("discordbot", "Discordbot"),
    ("skypeuripreview", "SkypeUriPreview"),
    ("microsoftpreview", "MicrosoftPreview"),
    ("applebot", "Applebot"),
    ("pinterest", "Pinterest"),
    ("redditbot", "redditbot"),
    ("embedly", "Embedly"),
    ("iframely", "Iframely"),
    ("vkshare", "vkShare"),
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("snapchat", "Snapchat"),
    ("viber", "Viber"),
    ("line-poker", "LINE"),
    ("googlebot", "Googlebot"),
    ("google-inspectiontool", "Google"),
    ("bingbot", "bingbot"),
    ("bingpreview", "BingPreview"),
    ("yandex", "Yandex"),
    ("duckduckbot", "DuckDuckBot"),
    ("baiduspider", "Baiduspider"),
)

#: Generic markers of automated clients, checked after the named bots.
GENERIC_MARKERS: tuple[tuple[str, str], ...] = (
    ("headlesschrome", "headless browser"),
    ("python-requests", "script"),
    ("python-urllib", "script"),
    ("python-httpx", "script"),
    ("aiohttp", "script"),
    ("go-http-client", "script"),
    ("okhttp", "script"),
    ("curl/", "script"),
    ("wget/", "script"),
    ("libwww-perl", "script"),
    ("java/", "script"),
    ("crawler", "crawler"),
    ("spider", "crawler"),
    ("preview", "link preview"),
    ("bot", "bot"),
)


def detect_bot(user_agent: str) -> str:
    """The bot's name when ``user_agent`` is a preview bot or crawler, else ``""``.

    An empty User-Agent is treated as a machine: every browser sends one.
    """
    ua = (user_agent or "").strip().lower()
    if not ua:
        return "no user agent"
    for marker, name in PREVIEW_BOTS:
        if marker in ua:
            return name
    for marker, name in GENERIC_MARKERS:
        if marker in ua:
            return name
    return ""
