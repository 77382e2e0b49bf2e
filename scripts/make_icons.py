"""Draws the app icons (planner/static/icons/*.png) from the favicon's design: a rounded
square in the app's accent colour with a white tick. Run once after changing the design:

    .venv/bin/python scripts/make_icons.py

Pure Python (zlib + struct): no imaging library needed.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "planner" / "static" / "icons"
ACCENT = (0x2F, 0x5D, 0x62)
WHITE = (0xFF, 0xFF, 0xFF)
# favicon.svg, in its 32-unit box: the tick "M9 16l5 5 9-10", 3 units wide, round ends.
TICK = ((9.0, 16.0), (14.0, 21.0), (23.0, 11.0))
TICK_HALF_WIDTH = 1.5
CORNER = 7.0
SAMPLES = 4  # per axis, per pixel


def _segment_distance(px: float, py: float, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _in_rounded_square(x: float, y: float) -> bool:
    cx = min(max(x, CORNER), 32 - CORNER)
    cy = min(max(y, CORNER), 32 - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def _pixel(x: float, y: float, maskable: bool) -> tuple[float, float]:
    """(background coverage, tick coverage) at a point of the 32-unit box."""
    if maskable:
        # Full-bleed background; the tick shrunk into the safe zone (the middle 80% circle).
        tx, ty = 16 + (x - 16) / 0.7, 16 + (y - 16) / 0.7
        inside = True
    else:
        tx, ty = x, y
        inside = _in_rounded_square(x, y)
    if not inside:
        return 0.0, 0.0
    near = min(_segment_distance(tx, ty, TICK[i], TICK[i + 1]) for i in range(2))
    return 1.0, 1.0 if near <= TICK_HALF_WIDTH else 0.0


def draw(size: int, maskable: bool = False) -> bytes:
    rows = []
    step = 32 / size
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            bg = tick = 0.0
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    x = (i + (si + 0.5) / SAMPLES) * step
                    y = (j + (sj + 0.5) / SAMPLES) * step
                    b, t = _pixel(x, y, maskable)
                    bg += b
                    tick += t
            n = SAMPLES * SAMPLES
            alpha, white = bg / n, (tick / bg if bg else 0.0)
            colour = [round(a + (w - a) * white) for a, w in zip(ACCENT, WHITE, strict=True)]
            row += bytes([*colour, round(alpha * 255)])
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ):
        (OUT / name).write_bytes(draw(size, maskable))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
