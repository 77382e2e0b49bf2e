"""Fetching a subscribed calendar over http(s): a time-out, a size cap, no other schemes."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from planner.domain.busy import MAX_ICS_BYTES, CalendarImportError

TIMEOUT_SECONDS = 10
_CHUNK = 64 * 1024


def normalise_url(url: str, *, allow_private: bool = False) -> str:
    """The URL to fetch (webcal:// is https://), or a kind refusal."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" around an IPv6 address
        raise CalendarImportError("This address isn't complete; copy the whole link.") from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    elif scheme not in ("http", "https"):
        raise CalendarImportError(
            "Only web addresses starting with https:// (or http://, or webcal://) can be "
            "subscribed to. To use a file from your computer, upload it instead."
        )
    if not parts.hostname:
        raise CalendarImportError("This address has no host name; copy the whole link.")
    if not allow_private and _is_private(parts.hostname):
        raise CalendarImportError(
            "This address points inside a private network, which Planner can't reach. "
            "Use the calendar's public (secret) iCal address."
        )
    return urlunsplit(parts)


def fetch_calendar(url: str, *, allow_private: bool = False) -> bytes:
    """The body of the URL, at most MAX_ICS_BYTES, within TIMEOUT_SECONDS per read."""
    url = normalise_url(url, allow_private=allow_private)
    opener = urllib.request.build_opener(_SafeRedirects(allow_private))
    request = urllib.request.Request(
        url, headers={"User-Agent": "Planner calendar import", "Accept": "text/calendar, */*"}
    )
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_ICS_BYTES:
                raise _too_large()
            body = bytearray()
            while chunk := response.read(_CHUNK):
                body += chunk
                if len(body) > MAX_ICS_BYTES:
                    raise _too_large()
            return bytes(body)
    except CalendarImportError:
        raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise _bad_redirect() from exc
        raise CalendarImportError(
            f"The calendar's server answered “{exc.code} {exc.reason}”. Check the address, "
            "or whether the calendar is still shared."
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CalendarImportError(
            "Planner couldn't reach this address (no answer within "
            f"{TIMEOUT_SECONDS} seconds, or no such server). Check the link and try again."
        ) from exc


def _too_large() -> CalendarImportError:
    return CalendarImportError(
        f"This calendar is larger than {MAX_ICS_BYTES // 1_000_000} MB, more than Planner "
        "takes in. Could you share just the calendar that matters here?"
    )


def _bad_redirect() -> CalendarImportError:
    return CalendarImportError(
        "The calendar's address redirects somewhere Planner won't go (only http and https "
        "addresses on the public internet)."
    )


def _is_private(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return False  # the fetch reports an unknown host itself
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return True
    return False


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to http(s) addresses that pass the same checks."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _bad_redirect()
        normalise_url(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)
