"""Absolute links for emails and feeds, built from PLANNER_BASE_URL (works outside requests).

Without PLANNER_BASE_URL, a development server (debug on) builds them from the address
the request came to, so `PORT=5101 make run` gives links to :5101. Production sets it:
a Host header is never trusted there.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def base_url() -> str:
    """Where the app is reached, with no trailing slash."""
    config = current_app.config
    if not config.get("PLANNER_BASE_URL_SET", True) and current_app.debug and has_request_context():
        return request.host_url.rstrip("/")
    return config["PLANNER_BASE_URL"]


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
