"""How every production base URL of SOCIAL_APIS.md maps onto one sandbox URL."""

#: Path prefix of each configured base inside the sandbox.
BASE_PATHS: dict[str, str] = {
    "LINKEDIN_API_BASE": "/linkedin/api",
    "LINKEDIN_OAUTH_BASE": "/linkedin/oauth",
    "LINKEDIN_WWW_BASE": "/linkedin/www",
    "META_GRAPH_BASE": "/graph",
    "INSTAGRAM_GRAPH_BASE": "/instagram/graph",
    "INSTAGRAM_OAUTH_BASE": "/instagram/oauth",
    "INSTAGRAM_WWW_BASE": "/instagram/www",
    "FACEBOOK_WWW_BASE": "/facebook/www",
}

#: The production defaults the sandbox stands in for (from SOCIAL_APIS.md).
PRODUCTION_BASES: dict[str, str] = {
    "LINKEDIN_API_BASE": "https://api.linkedin.com",
    "LINKEDIN_OAUTH_BASE": "https://www.linkedin.com/oauth",
    "LINKEDIN_WWW_BASE": "https://www.linkedin.com",
    "META_GRAPH_BASE": "https://graph.facebook.com",
    "INSTAGRAM_GRAPH_BASE": "https://graph.instagram.com",
    "INSTAGRAM_OAUTH_BASE": "https://api.instagram.com",
    "INSTAGRAM_WWW_BASE": "https://www.instagram.com",
    "FACEBOOK_WWW_BASE": "https://www.facebook.com",
}


def bases(sandbox_url: str) -> dict[str, str]:
    """Return every network base URL, keyed by its configuration name, pointing into the sandbox.

    >>> bases("http://127.0.0.1:8001/")["LINKEDIN_API_BASE"]
    'http://127.0.0.1:8001/linkedin/api'
    """
    root = sandbox_url.rstrip("/")
    return {name: root + path for name, path in BASE_PATHS.items()}
