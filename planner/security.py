"""Security headers on every response, and secret tokens kept out of the logs."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, g, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


# A year; only over https does a browser keep it, and debug runs on plain http.
HSTS = "max-age=31536000"
SIGNED_IN_CACHING = "private, no-store"


def _signed_in() -> bool:
    """Whether this request's member is signed in, as far as the request looked: Flask-Login
    keeps the member it loaded in `g`. Asking `current_user` here would load the member for
    responses that never needed one (the live poll, feeds, static files)."""
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def register(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        if not current_app.debug:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # A signed-in page is this member's alone: not for shared caches, nor for the
        # browser's back button after signing out. Static files and feeds (which answer
        # without a session) keep their own caching.
        if (
            request.endpoint != "static"
            and "Cache-Control" not in response.headers
            and _signed_in()
        ):
            response.headers["Cache-Control"] = SIGNED_IN_CACHING
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


# The secret part of a URL: a feed, reset or invite token in the path, and the `token=`
# query of links in reminder emails.
_SECRETS = (
    (re.compile(r"(/feeds/)[^/\s?#\"']+?(\.ics)"), r"\1…\2"),
    (re.compile(r"(/(?:reset|join)/)[^/\s?#\"']+"), r"\1…"),
    (re.compile(r"(\btoken=)[^&\s#\"']+"), r"\1…"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """Replaces the token in any URL a log line holds with "…"."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's to report, not ours
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


REDACT_TOKENS = RedactTokens()
# The loggers that write request lines: the development server's access log, gunicorn's
# access and error logs (a worker loads the app, so the filter is in place before its first
# request), and the app's own log ("Exception on /feeds/… [GET]").
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact_logs(app: Flask) -> None:
    for logger in (*map(logging.getLogger, REQUEST_LOGGERS), app.logger):
        logger.addFilter(REDACT_TOKENS)  # once: a logger keeps a filter only once
