"""Plain-HTTP side of bench/live.py: gunicorn, a real sign-in, and a bounded threaded load."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The hello-world ceiling is the feeds bench's route, registered only with PLANNER_BENCH=1.
HELLO_PATH = "/bench/hello"
THREADS = 4
MAX_REQUESTS_PER_ROUND = 20_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-w",
        "1",
        "-k",
        "sync",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=str(ROOT))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", HELLO_PATH)
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def serve_sqlite(directory: str) -> tuple[subprocess.Popen, int]:
    """gunicorn on the bench's SQLite file in `directory` (bench.sqlite3), with the bench
    routes on and no scheduler; (the server, its port)."""
    port = free_port()
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{Path(directory) / 'bench.sqlite3'}",
        "PLANNER_BENCH": "1",
        "PLANNER_SCHEDULER": "off",
        "MAIL_BACKEND": "console",
        "PLANNER_BASE_URL": f"http://127.0.0.1:{port}",
    }
    return start_gunicorn(env, port), port


def request(port: int, method: str, path: str, body: str | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        conn.close()


def sign_in(port: int, email: str, password: str) -> str:
    """A real sign-in through the form (CSRF included); returns the Cookie header."""
    status, headers, data = request(port, "GET", "/login")
    jar = cookies_from(headers, {})
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', data) or re.search(
        rb'name="csrf_token" value="([^"]+)"', data
    )
    form = f"csrf_token={token.group(1).decode()}&email={email}&password={password}"
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(jar),
            "Referer": f"http://127.0.0.1:{port}/login",
        },
    )
    if status != 302:
        raise SystemExit(f"sign-in failed: HTTP {status}")
    return cookie_header(cookies_from(headers, jar))


def cookies_from(headers, jar: dict) -> dict:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[float, Counter]:
    """Bounded threaded load: THREADS clients, one request per connection (sync workers
    close every connection), for `seconds` or MAX_REQUESTS_PER_ROUND requests."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"Cookie": cookie, "HX-Request": "true"}

    def client() -> None:
        while time.monotonic() < stop_at:
            status, _, _ = request(port, "GET", path, headers=headers)
            with lock:
                statuses[status] += 1
                if sum(statuses.values()) >= MAX_REQUESTS_PER_ROUND:
                    return

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(statuses.values()) / (time.monotonic() - started), statuses
