"""What compressing a page costs beside making it: `.venv/bin/python bench/compression.py`
(a minute or two).

Every main page and session step of a 300-responsibility household with two years of
history (bench/pages.py's pages and shape), and the first 100 KB of the largest, are
compressed at each gzip level and brotli quality tried. For each it prints the size and
the time to compress, and that time as a ratio to the time the app takes to answer the
page uncompressed in the same run (in-process, median of several requests). Then whole
requests through the app as configured, brotli and gzip, ÷ the same request
uncompressed, interleaved round by round.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import pages  # noqa: E402
from session_queries import PASSWORD, build  # noqa: E402

from planner.extensions import db  # noqa: E402

RESPONSIBILITIES = 300
REPEATS = 15
ROUNDS = 41  # whole requests vary more than compressing bytes does
SETTINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip 1": lambda body: gzip.compress(body, 1),
    "gzip 4": lambda body: gzip.compress(body, 4),
    "gzip 6": lambda body: gzip.compress(body, 6),
    "gzip 9": lambda body: gzip.compress(body, 9),
    "br 1": lambda body: brotli.compress(body, quality=1),
    "br 4": lambda body: brotli.compress(body, quality=4),
    "br 5": lambda body: brotli.compress(body, quality=5),
    "br 11": lambda body: brotli.compress(body, quality=11),  # brotli's own default
}


def median_seconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median of `repeats` runs after a warm-up; at least three, within about a second."""
    action()
    times: list[float] = []
    while len(times) < repeats and (len(times) < 3 or sum(times) < 1.0):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    started = time.perf_counter()
    directory = tempfile.mkdtemp(prefix="planner-bench-compression-")
    app, full, _empty = build(directory, responsibilities=RESPONSIBILITIES)
    _household, email, plan_id = full
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    paths = pages(plan_id)
    bodies = {path: client.get(path).get_data() for path in paths}
    answer = {path: median_seconds(lambda p=path: client.get(p)) for path in paths}
    largest = max(paths, key=lambda p: len(bodies[p]))
    cut = f"{largest} (100 KB)"
    bodies[cut] = bodies[largest][:100_000]
    answer[cut] = answer[largest] * 100_000 / len(bodies[largest])  # as if it scaled

    print(f"{RESPONSIBILITIES} responsibilities, two years of history; in-process, one thread")
    print("per setting: compressed KB, compress ms, compress ms ÷ the uncompressed answer's ms")
    header = f"{'page':30} {'KB':>6} {'ms':>6}"
    print(header + "".join(f" {name:>18}" for name in SETTINGS))
    for path, body in bodies.items():
        shown = path.replace(f"/session/{plan_id}", "/session/<plan>")
        cells = []
        for compress in SETTINGS.values():
            seconds = median_seconds(lambda c=compress, b=body: c(b))
            packed = len(compress(body))
            cells.append(
                f"{packed / 1000:6.1f} {seconds * 1000:5.2f} {seconds / answer[path]:5.3f}"
            )
        line = f"{shown:30} {len(body) / 1000:6.1f} {answer[path] * 1000:6.1f}"
        print(line + "".join(f" {cell:>18}" for cell in cells))

    levels = f"gzip {app.config['COMPRESS_LEVEL']}, br {app.config['COMPRESS_BR_LEVEL']}"
    print(f"\nwhole requests as configured ({levels}) ÷ the same request uncompressed")
    encodings = ("identity", "br", "gzip")
    for path in paths:
        shown = path.replace(f"/session/{plan_id}", "/session/<plan>")
        times: dict[str, list[float]] = {encoding: [] for encoding in encodings}
        for turn in range(ROUNDS):
            # Each encoding takes its turn first: a round's first request may pay for others.
            for encoding in encodings[turn % 3 :] + encodings[: turn % 3]:
                headers = {"Accept-Encoding": encoding}
                begun = time.perf_counter()
                response = client.get(path, headers=headers)
                times[encoding].append(time.perf_counter() - begun)
                assert response.headers.get("Content-Encoding", "identity") == encoding, path
        plain = statistics.median(times["identity"])
        ratios = [f"{e} {statistics.median(times[e]) / plain:.3f}" for e in encodings[1:]]
        print(f"{shown:30} " + "  ".join(ratios))
    with app.app_context():
        db.engine.dispose()
    print(f"total bench time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
