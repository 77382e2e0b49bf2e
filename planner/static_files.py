"""Static files under names that carry a hash of their bytes, kept by browsers for a year.

`url_for("static", filename="app.css")` gives /static/app.3f2a1b9c.css; the file on disk
keeps its plain name. An edited file gets a new name, so a browser may keep each name for
good (`immutable`) and still never shows an old copy. No build step: the hash is taken
from the file itself the first time its URL is made.

A hashed name whose hash is not the file's (a page, or a service worker's offline copy of
one, made before the file changed; a worker not yet restarted in a deploy) is answered
with the current file, revalidated on every use: a year-long promise only for the bytes
the name stands for, and a page never loses its styles for a stale name. A plain name
still works, revalidated on every use too.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat

from flask import Flask, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

HASH_CHARS = 8  # templates/pwa/sw.js spells the same shape to find a file's plain name
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASH = re.compile(rf"[0-9a-f]{{{HASH_CHARS}}}")


class Digests:
    """The short hash of each file in one folder, read once per version of the file (its
    modification time and size), so the URL follows a file edited while the app runs:
    the development server restarts for code, not for CSS."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def digest(self, filename: str) -> str | None:
        """The file's hash, or None when there is no such file."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            found = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        version = (found.st_mtime_ns, found.st_size)
        known = self._known.get(filename)
        if known is None or known[0] != version:
            with open(path, "rb") as file:
                known = (version, hashlib.sha256(file.read()).hexdigest()[:HASH_CHARS])
            self._known[filename] = known
        return known[1]

    def hashed(self, filename: str) -> str:
        """vendor/htmx.min.js -> vendor/htmx.min.<hash>.js; a name with no such file, or
        no extension, stays as it is."""
        stem, extension = posixpath.splitext(filename)
        digest = self.digest(filename) if extension else None
        return f"{stem}.{digest}{extension}" if digest else filename

    def on_disk(self, filename: str) -> bool:
        path = safe_join(self.folder, filename)
        return path is not None and os.path.isfile(path)


def split_hash(filename: str) -> tuple[str, str | None]:
    """app.3f2a1b9c.css -> ("app.css", "3f2a1b9c"); a name without a hash -> (name, None)."""
    stem, extension = posixpath.splitext(filename)
    plain, dot, digest = stem.rpartition(".")
    if extension and dot and plain and not plain.endswith("/") and _HASH.fullmatch(digest):
        return plain + extension, digest
    return filename, None


def serve(filename: str) -> Response:
    """The `static` endpoint's view: a file by its hashed or its plain name."""
    digests: Digests = current_app.extensions["planner.static_files"]
    # A file whose real name looks hashed is served as it is.
    plain, asked = (filename, None) if digests.on_disk(filename) else split_hash(filename)
    response = send_from_directory(digests.folder, plain)
    fresh = asked is not None and asked == digests.digest(plain)
    response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
    return response


class SessionCookie(SecureCookieSessionInterface):
    """Flask's session cookie, left out of static files: they are the same for everyone, so
    they must not vary by the cookie (Flask-Login reads the session after every request,
    which adds `Vary: Cookie` and makes a browser fetch a kept file again whenever the
    cookie changes) nor ever carry one a shared cache could hand to someone else."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint != "static":
            super().save_session(app, session, response)


def register(app: Flask) -> None:
    digests = Digests(app.static_folder or "")
    app.extensions["planner.static_files"] = digests

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = digests.hashed(values["filename"])

    app.view_functions["static"] = serve
    app.session_interface = SessionCookie()
