"""Static files: every URL the app makes names the file's content hash and is kept by
browsers for a year; a stale hash or a plain name still gets the current file, revalidated."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import brotli
import pytest

from planner.pwa.routes import ASSETS, ICONS
from planner.static_files import IMMUTABLE, Digests, split_hash
from tests.helpers import body, login

STATIC = Path(__file__).resolve().parent.parent / "planner" / "static"
HASHED = re.compile(r"^/static/(?P<stem>.+)\.(?P<digest>[0-9a-f]{8})(?P<ext>\.[a-z]+)$")


def _plain_file(url: str) -> tuple[Path, str]:
    """The file on disk a hashed static URL names, and the hash the URL gives it."""
    found = HASHED.match(url)
    assert found, f"{url} carries no content hash"
    return STATIC / (found["stem"] + found["ext"]), found["digest"]


def _assert_kept_for_a_year(client, url: str) -> None:
    path, digest = _plain_file(url)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()[:8], url
    answer = client.get(url)
    assert answer.status_code == 200, url
    assert answer.headers["Cache-Control"] == IMMUTABLE, url
    assert answer.data == path.read_bytes(), url


def _static_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_the_layout_names_every_file_by_its_hash_kept_for_a_year(app, client, make):
    page = body(client.get("/login"))
    signed_out = _static_urls(page)
    assert page.count("/static/") == len(signed_out) >= 5  # every one, each hashed below
    for url in signed_out:
        _assert_kept_for_a_year(client, url)

    made = make("Alex")
    login(client, made.emails[0])
    signed_in = _static_urls(body(client.get("/home")))
    assert signed_in == signed_out
    for url in signed_in:
        # Not the signed-in pages' "private, no-store", and the same for everyone: no
        # Vary: Cookie (the session is not even read back) and never a cookie set.
        answer = client.get(url)
        assert answer.headers["Cache-Control"] == IMMUTABLE
        assert "cookie" not in answer.headers.get("Vary", "").lower()
        assert "Set-Cookie" not in answer.headers
    assert body(client.get("/home")).count("/static/") == len(signed_in)


def test_the_manifest_and_service_worker_name_hashed_files(client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    icons = [icon["src"] for icon in manifest["icons"]]
    assert len(icons) == len(ICONS)
    for url in icons:
        _assert_kept_for_a_year(client, url)

    script = client.get("/sw.js").get_data(as_text=True)
    assets = re.findall(r'"(/static/[^"]+)"', re.search(r"const ASSETS = (\[.*?\]);", script)[1])
    assert len(assets) == len(ASSETS)
    for url in assets:
        _assert_kept_for_a_year(client, url)
    icon = re.search(r"icon: \"(/static/[^\"]+)\"", script)[1]
    assert icon in assets and icon in icons
    # Its own address stays plain: a browser finds its worker again at the same URL.
    assert 'navigator.serviceWorker.register("/sw.js"' in (STATIC / "pwa.js").read_text()


def test_a_stale_hash_or_a_plain_name_gets_the_current_file_revalidated(client):
    current = (STATIC / "app.css").read_bytes()
    for url in ("/static/app.00000000.css", "/static/app.css"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.data == current
        assert answer.headers["Cache-Control"] == "no-cache", url
    assert client.get("/static/missing.00000000.css").status_code == 404
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/..%2F__init__.py").status_code == 404
    assert client.get("/static/vendor/../../__init__.00000000.py").status_code == 404


def test_a_hashed_file_is_compressed_when_the_browser_takes_brotli(client):
    url = _static_urls(body(client.get("/login")))[0]
    assert url.endswith(".css")
    answer = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert answer.headers["Content-Encoding"] == "br"
    assert brotli.decompress(answer.data) == _plain_file(url)[0].read_bytes()
    assert answer.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in answer.headers["Vary"]


def test_a_byte_range_of_a_file_is_sent_plain(client):
    url = _static_urls(body(client.get("/login")))[0]
    headers = {"Range": "bytes=0-9999", "Accept-Encoding": "br, gzip"}
    part = client.get(url, headers=headers)
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.data == _plain_file(url)[0].read_bytes()[:10_000]
    assert part.headers["Content-Range"].startswith("bytes 0-9999/")


@pytest.fixture
def static_copy(app, tmp_path):
    """The app serving a copy of planner/static that a test may edit."""
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    digests: Digests = app.extensions["planner.static_files"]
    saved = app.static_folder, digests.folder
    app.static_folder = digests.folder = str(folder)
    yield folder
    app.static_folder, digests.folder = saved


def test_an_edited_file_gets_a_new_url_and_a_new_service_worker(client, static_copy):
    before = _static_urls(body(client.get("/login")))
    worker = client.get("/sw.js").get_data(as_text=True)
    (old_css,) = [u for u in before if u.startswith("/static/app.") and u.endswith(".css")]

    edited = (static_copy / "app.css").read_bytes() + b"\n.edited { color: red; }\n"
    (static_copy / "app.css").write_bytes(edited)

    after = _static_urls(body(client.get("/login")))
    (new_css,) = [u for u in after if u.startswith("/static/app.") and u.endswith(".css")]
    assert new_css != old_css
    assert [u for u in after if u != new_css] == [u for u in before if u != old_css]
    fresh = client.get(new_css)
    assert fresh.data == edited and fresh.headers["Cache-Control"] == IMMUTABLE
    stale = client.get(old_css)  # a page made before the edit: the file as it is now
    assert stale.data == edited and stale.headers["Cache-Control"] == "no-cache"

    new_worker = client.get("/sw.js").get_data(as_text=True)
    version = re.compile(r'const VERSION = "([0-9a-f]{16})";')
    assert version.search(new_worker)[1] != version.search(worker)[1]
    assert f'"{new_css}"' in new_worker and f'"{old_css}"' not in new_worker


def test_hashed_names_split_back_into_plain_ones():
    assert split_hash("app.3f2a1b9c.css") == ("app.css", "3f2a1b9c")
    assert split_hash("vendor/htmx-2.0.11.min.3f2a1b9c.js") == (
        "vendor/htmx-2.0.11.min.js",
        "3f2a1b9c",
    )
    for plain in ("app.css", "app.3F2A1B9C.css", "icons/.3f2a1b9c.png", "app.3f2a1b9.css"):
        assert split_hash(plain) == (plain, None)


def test_names_without_a_file_or_an_extension_stay_as_they_are(tmp_path):
    (tmp_path / "LICENSE").write_text("MIT")
    (tmp_path / "app.css").write_text("body {}")
    digests = Digests(str(tmp_path))
    assert digests.hashed("LICENSE") == "LICENSE"
    assert digests.hashed("missing.css") == "missing.css"
    assert digests.hashed("../app.css") == "../app.css"
    digest = hashlib.sha256(b"body {}").hexdigest()[:8]
    assert digests.hashed("app.css") == f"app.{digest}.css"
