"""Compressed answers: Flask-Compress (settings in planner/config.py), except byte ranges."""

from __future__ import annotations

from flask import Flask, Response

from planner.extensions import compress


def register(app: Flask) -> None:
    """Call before anything else adds an after_request hook: hooks run in reverse, so this
    one runs last, on the finished answer (security headers set, the request committed)."""
    app.config["COMPRESS_REGISTER"] = False  # registered here instead
    compress.init_app(app)

    @app.after_request
    def compressed(response: Response) -> Response:
        # A byte range (206) of a static file: its Content-Range counts the plain file's
        # bytes, which compressing the part would make wrong.
        if response.status_code == 206:
            return response
        return compress.after_request(response)
