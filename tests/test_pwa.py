"""The installable app: manifest, icons, service worker and offline page, as served."""

from __future__ import annotations

import re
import struct
from pathlib import Path

from tests.helpers import body, login

STATIC = Path(__file__).resolve().parent.parent / "planner" / "static"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_describes_an_installable_app(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/manifest+json"
    manifest = answer.get_json(force=True)
    assert manifest["name"] == "Planner" and manifest["start_url"] == "/home"
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    accent = re.search(r"--accent:\s*(#[0-9a-f]{6})", (STATIC / "app.css").read_text())
    assert manifest["theme_color"] == accent.group(1)
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/icons/")  # our own host, nothing else
        served = client.get(icon["src"])
        assert served.status_code == 200 and served.mimetype == "image/png"
        width, height = _png_size(served.data)
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_app_script(app, client, make):
    made = make("Alex")
    for page in (body(client.get("/login")), None):
        if page is None:
            login(client, made.emails[0])
            page = body(client.get("/home"))
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
        assert '<meta name="theme-color" content="#2f5d62">' in page
        assert re.search(r'<script src="/static/pwa\.[0-9a-f]{8}\.js" defer></script>', page)
    assert 'name="planner-forget-pages"' not in page  # signed in: the kept pages stay
    assert 'name="planner-forget-pages"' in body(app.test_client().get("/login"))


def test_the_service_worker_is_served_from_the_root(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript" and answer.headers["Cache-Control"] == "no-cache"
    script = answer.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', script).group(1)
    assets = re.search(r"const ASSETS = (\[.*?\]);", script).group(1)
    for name in ("/static/app.", "/static/pwa.", "/static/vendor/htmx-2.0.11.min."):
        assert re.search(rf'"{re.escape(name)}[0-9a-f]{{8}}\.(css|js)"', assets), name
    for asset in re.findall(r'"(/static/[^"]+)"', assets):
        assert client.get(asset).status_code == 200, asset
    assert 'const OFFLINE_URL = "/offline"' in script
    assert "showNotification" in script and "http" not in assets
    assert version in client.get("/sw.js").get_data(as_text=True)  # stable between requests


def test_the_offline_page_needs_no_sign_in_and_shows_no_one(client):
    answer = client.get("/offline")
    assert answer.status_code == 200
    page = body(answer)
    assert "You're offline" in page and "Sign out" not in page
