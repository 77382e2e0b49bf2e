"""The installable app: the manifest, the service worker (at the root, so it looks after
every page) and the page shown offline for pages not kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, render_template, url_for

from planner.i18n import _

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#2f5d62"  # --accent in app.css
BACKGROUND_COLOUR = "#f6f4ef"  # --bg in app.css
# The app's own files, kept by the service worker so pages shown offline look right.
ASSETS = (
    "app.css",
    "app.js",
    "pwa.css",
    "pwa.js",
    "favicon.svg",
    "vendor/htmx-2.0.11.min.js",
    "icons/icon-192.png",
)
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)


def _version(assets: list[str]) -> str:
    """Changes whenever a kept file or the worker itself changes, so browsers update: each
    kept file's URL carries a hash of its bytes (planner/static_files.py)."""
    digest = hashlib.sha256("\n".join(assets).encode())
    source = Path(current_app.root_path, current_app.template_folder or "", "pwa", "sw.js")
    digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/sw.js")
def service_worker():
    assets = [url_for("static", filename=name) for name in ASSETS]
    script = render_template(
        "pwa/sw.js",
        version=_version(assets),
        assets=assets,
        offline_url=url_for("pwa.offline"),
        sign_in_url=url_for("auth.login"),
        icon=url_for("static", filename="icons/icon-192.png"),
    )
    return (
        script,
        200,
        {
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",  # browsers check for a new worker on every visit
        },
    )


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "id": url_for("today.home"),
        "name": "Planner",
        "short_name": "Planner",
        "description": _("Your week, shared kindly."),
        "start_url": url_for("today.home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename=src),
                "sizes": sizes,
                "type": "image/png",
                "purpose": purpose,
            }
            for src, sizes, purpose in ICONS
        ],
    }
    response = current_app.json.response(body)
    response.headers["Content-Type"] = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")
