"""Fetching a subscribed calendar over http(s): public addresses only, a size cap, and one
deadline for the whole fetch.

The host name is resolved once, every address it resolves to is checked, and the
connection goes to exactly such an address (the name still travels in the Host header
and, for https, in SNI and the certificate check), so a name that resolves differently a
moment later (DNS rebinding) can't reach inside. Each redirect goes through the same.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from planner.domain.busy import MAX_ICS_BYTES, CalendarImportError, _, as_utf8

TIMEOUT_SECONDS = 10  # for the whole fetch: name lookup, connections, redirects, body
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HEADERS = {
    "User-Agent": "Planner calendar import",
    "Accept": "text/calendar, */*",
    "Accept-Encoding": "identity",
    "Connection": "close",
}


@dataclass(frozen=True)
class _Target:
    url: str  # normalised: webcal:// is https://
    https: bool
    host: str  # as sent in the Host header and SNI: ASCII (IDNA), or an IP address
    port: int
    path: str  # path and query, percent-encoded
    addresses: tuple[str, ...]  # what the host resolved to, every one checked


def fetch_calendar(
    url: str, *, allow_private: bool = False, seconds: float = TIMEOUT_SECONDS
) -> bytes:
    """The calendar at the URL as UTF-8 bytes (the Content-Type's charset honoured), at
    most MAX_ICS_BYTES, all within `seconds`."""
    deadline = _Deadline(seconds)
    target = _target(url, allow_private, deadline)
    for _attempt in range(MAX_REDIRECTS + 1):
        response = _get(target, deadline)
        if response.status in _REDIRECT_CODES:
            location = response.headers.get("Location", "")
            if not location:
                raise _bad_redirect()
            try:
                target = _target(urljoin(target.url, location.strip()), allow_private, deadline)
            except _Slow:
                raise
            except CalendarImportError as exc:
                raise _bad_redirect() from exc
            continue
        if not 200 <= response.status < 300:
            raise CalendarImportError(
                _(
                    "The calendar's server answered “%(answer)s”. Check the address, or "
                    "whether the calendar is still shared."
                ),
                answer=f"{response.status} {response.reason}",
            )
        return as_utf8(response.body, response.headers.get_content_charset())
    raise _bad_redirect()


class _Slow(CalendarImportError):
    """The deadline passed."""


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, or the refusal when none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.passed()
        return left

    def passed(self) -> _Slow:
        return _Slow(
            _(
                "The calendar's server didn't send the calendar within %(seconds)s seconds. "
                "Check the link, or try again later."
            ),
            seconds=f"{self.seconds:g}",
        )


def _target(url: str, allow_private: bool, deadline: _Deadline) -> _Target:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unclosed "[" around an IPv6 address, a port that isn't one
        raise CalendarImportError(_("This address isn't complete; copy the whole link.")) from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    elif scheme not in ("http", "https"):
        raise CalendarImportError(
            _(
                "Only web addresses starting with https:// (or http://, or webcal://) can be "
                "subscribed to. To use a file from your computer, upload it instead."
            )
        )
    if "@" in parts.netloc:
        raise CalendarImportError(
            _(
                "This address has a user name or password in it (before an @), which Planner "
                "doesn't send. Use the calendar's secret iCal address instead."
            )
        )
    if not parts.hostname:
        raise CalendarImportError(_("This address has no host name; copy the whole link."))
    host = _ascii_host(parts.hostname)
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port, deadline)
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise CalendarImportError(
            _(
                "This address points inside a private network, which Planner can't reach. "
                "Use the calendar's public (secret) iCal address."
            )
        )
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return _Target(
        url=urlunsplit((scheme, parts.netloc, parts.path, parts.query, "")),
        https=scheme == "https",
        host=host,
        port=port,
        path=path + (f"?{query}" if query else ""),
        addresses=addresses,
    )


def _ascii_host(hostname: str) -> str:
    """The host as it goes on the wire; percent signs and other characters that no host
    name has are refused rather than decoded (a decoded name would skip the checks)."""
    try:
        return str(ipaddress.ip_address(hostname))
    except ValueError:
        pass
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = ""
    if not _HOST_NAME.fullmatch(host):
        raise CalendarImportError(
            _("“%(host)s” isn't a valid server name; copy the whole link from your calendar app."),
            host=hostname,
        )
    return host


def _resolve(host: str, port: int, deadline: _Deadline) -> tuple[str, ...]:
    """Every address the host resolves to, within the deadline; a name that doesn't
    resolve is refused."""
    found: list[str] = []

    def look_up() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return
        found.extend(str(info[4][0]) for info in infos)

    # getaddrinfo has no time-out of its own; the thread is left to finish by itself.
    lookup = threading.Thread(target=look_up, name="calendar-dns", daemon=True)
    lookup.start()
    lookup.join(deadline.left())
    if lookup.is_alive():
        raise deadline.passed()
    addresses = tuple(dict.fromkeys(found))
    if not addresses:
        raise CalendarImportError(
            _("Planner couldn't find the server “%(host)s”. Check the address and try again."),
            host=host,
        )
    return addresses


def _is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False  # not an address we know to be public
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (ip.sixtofour if ip.sixtofour else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not embedded.is_global:
            return False
    return ip.is_global


@dataclass
class _Response:
    status: int
    reason: str
    headers: Message
    body: bytes


class _Connected(http.client.HTTPConnection):
    """An HTTP connection over a socket already connected to a checked address; it never
    connects anywhere by itself."""

    def __init__(self, host: str, port: int, sock: socket.socket):
        super().__init__(host, port)
        self.sock = sock

    def connect(self) -> None:
        raise http.client.NotConnected("a pinned connection does not reconnect")


def _get(target: _Target, deadline: _Deadline) -> _Response:
    sock = _connect(target, deadline)
    # At the deadline the socket is shut down, which ends any read waiting on it.
    current = [sock]
    watchdog = threading.Timer(deadline.left(), lambda: _shut_down(current[0]))
    watchdog.daemon = True
    watchdog.start()
    try:
        if target.https:
            sock = current[0] = _tls().wrap_socket(sock, server_hostname=target.host)
        connection = _Connected(target.host, target.port, sock)
        default = 443 if target.https else 80
        host = f"[{target.host}]" if ":" in target.host else target.host
        host += "" if target.port == default else f":{target.port}"
        connection.request("GET", target.path, headers={"Host": host, **_HEADERS})
        response = connection.getresponse()
        if not 200 <= response.status < 300:
            return _Response(response.status, response.reason, response.headers, b"")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_ICS_BYTES:
            raise _too_large()
        body = bytearray()
        while True:
            sock.settimeout(deadline.left())
            chunk = response.read1(_CHUNK)  # one read at most: the deadline is checked often
            if not chunk:
                break
            body += chunk
            if len(body) > MAX_ICS_BYTES:
                raise _too_large()
        return _Response(response.status, response.reason, response.headers, bytes(body))
    except CalendarImportError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.at <= time.monotonic():
            raise deadline.passed() from exc
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            raise CalendarImportError(
                _(
                    "Planner couldn't set up a secure connection to this address (its "
                    "certificate doesn't check out). Check the link."
                )
            ) from exc
        raise _unreachable() from exc
    finally:
        watchdog.cancel()
        sock.close()


def _connect(target: _Target, deadline: _Deadline) -> socket.socket:
    """A connection to the first checked address that answers."""
    failure: OSError | None = None
    for address in target.addresses:
        try:
            return socket.create_connection((address, target.port), timeout=deadline.left())
        except OSError as exc:
            failure = exc
    if deadline.at <= time.monotonic():
        raise deadline.passed() from failure
    raise _unreachable() from failure


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_TLS: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _TLS  # noqa: PLW0603 (built once, on first use)
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return _TLS


def _unreachable() -> CalendarImportError:
    return CalendarImportError(
        _(
            "Planner couldn't reach this address (the server didn't answer or refused). Check "
            "the link and try again."
        )
    )


def _too_large() -> CalendarImportError:
    return CalendarImportError(
        _(
            "This calendar is larger than %(mb)s MB, more than Planner takes in. Could you "
            "share just the calendar that matters here?"
        ),
        mb=MAX_ICS_BYTES // 1_000_000,
    )


def _bad_redirect() -> CalendarImportError:
    return CalendarImportError(
        _(
            "The calendar's address redirects somewhere Planner won't go (only http and https "
            "addresses on the public internet)."
        )
    )
