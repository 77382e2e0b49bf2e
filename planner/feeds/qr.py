"""QR codes as inline SVG (no scripts, no styles), for subscribing from a phone."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str) -> Markup:
    code = segno.make(text, error="m")
    # segno escapes the title and writes only presentation attributes (CSP-safe).
    return Markup(
        code.svg_inline(scale=4, dark="#22303a", light="#ffffff", title=title, omitsize=True)
    )
