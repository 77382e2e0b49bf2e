"""Settings read from the environment (and `.env`) when the app is created."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

WEAK_SECRETS = {"", "dev", "changeme", "change-me", "secret", "please-change-me"}


class ConfigError(SystemExit):
    """Raised at start-up when a setting makes the app unsafe or unusable."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the settings mapping; `overrides` (tests) win over the environment."""
    load_dotenv(Path.cwd() / ".env", override=False)
    env = os.environ
    overrides = overrides or {}
    default_db = f"sqlite:///{Path(instance_path) / 'planner.sqlite3'}"
    settings: dict[str, Any] = {
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": _database_url(env.get("DATABASE_URL") or default_db),
        "PLANNER_BASE_URL": env.get("PLANNER_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Unset, a development server's links follow the host and port it is reached on.
        "PLANNER_BASE_URL_SET": bool(env.get("PLANNER_BASE_URL")),
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "file"),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("SMTP_PORT", "25") or 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10") or 10),
        "MAIL_FROM": env.get("MAIL_FROM", "Planner <planner@localhost>"),
        "MAIL_FILE_DIR": env.get("MAIL_FILE_DIR") or str(Path(instance_path) / "mail"),
        "PLANNER_SCHEDULER": env.get("PLANNER_SCHEDULER", "auto"),
        # Reminders whose moment passed this many days ago leave the outbox.
        "REMINDER_RETENTION_DAYS": int(env.get("REMINDER_RETENTION_DAYS", "90") or 90),
        # Phone notifications (Web Push): the VAPID private key, made on first use.
        "PLANNER_VAPID_PRIVATE_KEY_FILE": env.get("PLANNER_VAPID_PRIVATE_KEY_FILE")
        or str(Path(instance_path) / "vapid_private.pem"),
        # Who push services may contact about this server; unset: mailto: the MAIL_FROM address.
        "PLANNER_VAPID_SUBJECT": env.get("PLANNER_VAPID_SUBJECT", ""),
        "PLANNER_PUSH_TIMEOUT": float(env.get("PLANNER_PUSH_TIMEOUT", "10") or 10),
        # Push endpoints on loopback over plain http: only a test's own push service (a test
        # setting; never read from the environment).
        "PLANNER_PUSH_ALLOW_LOOPBACK": False,
        # How often an open Today asks whether a partner changed something (a test setting
        # shortens it; never read from the environment).
        "TODAY_POLL_SECONDS": 10,
        # How many proxies in front set X-Forwarded-For/-Proto (0: none, use the peer).
        "PLANNER_TRUSTED_PROXIES": _count(env, "PLANNER_TRUSTED_PROXIES"),
        # Requests a minute each API token may make (planner.api.tokens).
        "PLANNER_API_RATE_LIMIT": _count(env, "PLANNER_API_RATE_LIMIT") or 120,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; a long session never breaks
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        # Compressed responses (Flask-Compress): brotli when the client takes it, else gzip.
        # Levels chosen with bench/compression.py: a small share of a large page's time.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br"],  # static files, sent as read
        "COMPRESS_BR_LEVEL": 4,
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIN_SIZE": 500,  # bytes; smaller answers (polls, 204s) go as they are
        # Conditional requests are answered where validators are made (the feed route,
        # send_file); doing it again after compressing only adds a second Date header.
        "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
            "text/calendar",
        ],
    }
    settings.update(overrides)
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Each request gets its own short-lived connection; WAL + busy timeout do the rest.
        settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    return settings


def _count(env, name: str) -> int:
    value = (env.get(name) or "0").strip()
    if not value.isascii() or not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def _database_url(url: str) -> str:
    # Accept the common "postgres://" and "postgresql://" spellings; psycopg 3 is our driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_secret_key(app) -> None:
    """Fail fast outside debug and testing; in debug, use a throwaway key."""
    key = app.config.get("SECRET_KEY") or ""
    if key.strip().lower() not in WEAK_SECRETS and len(key) >= 16:
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = key if len(key) >= 16 else secrets.token_hex(32)
        return
    raise ConfigError(
        "SECRET_KEY is not set: add SECRET_KEY=<64 random hex chars> to .env or the environment "
        '(python -c "import secrets; print(secrets.token_hex(32))").'
    )
