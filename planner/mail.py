"""One `send` function; the backend (smtp, file, console) comes from settings.

Addresses: a domain always travels in its ASCII (IDNA, xn--) form; an address whose part
before the @ is not ASCII can only go to a server offering SMTPUTF8 (RFC 6531), with the
message's headers in UTF-8 (RFC 6532). A message that cannot be sent raises MessageError
and leaves the connection ready for the next one; any other MailError means the
connection (or the backend) failed.
"""

from __future__ import annotations

import smtplib
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

import idna
from flask import current_app


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


class MailError(RuntimeError):
    """Sending failed; the message says why (shown on the reminders page)."""


class MessageError(MailError):
    """This one message cannot be sent (refused, or its address cannot be written for this
    server); the connection is still good for the next message."""


# Refused by the server for this message only: the connection is still good.
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# Headers holding URLs in angle brackets (RFC 2369, RFC 8058): mail clients read them as
# they stand, so they are never folded into RFC 2047 encoded-words.
_URL_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
# Wire format: CRLF; refold_source="none" concerns only headers set raw (the URL headers),
# which are written as they were set.
_WIRE = policy.default.clone(linesep="\r\n", refold_source="none")
_WIRE_UTF8 = _WIRE.clone(utf8=True)


def needs_smtputf8(address: str) -> bool:
    """Only a non-ASCII part before the @ needs SMTPUTF8: a domain has an ASCII form."""
    return not address.rpartition("@")[0].isascii()


def ascii_domain(address: str) -> str:
    """The address with its domain in IDNA ASCII form (münchen.de → xn--mnchen-3ya.de)."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address  # as it is: the server says what it thinks of it
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError as exc:
        raise MessageError(f"The domain of {address} has no valid ASCII form: {exc}") from exc


def _header_address(address: str) -> str:
    try:
        return ascii_domain(address)
    except MessageError:
        return address  # written as given; sending it fails, with the reason


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    international = needs_smtputf8(to)
    # Such an address only travels with SMTPUTF8, where headers are UTF-8 as they stand.
    msg = EmailMessage(policy=policy.SMTPUTF8 if international else policy.default)
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to if international else _header_address(to)
    # Subjects carry names members typed; a line break in one must not break the header.
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="planner.local")
    for name, value in (headers or {}).items():
        if name.lower() in _URL_HEADERS and value.isascii() and value.isprintable():
            msg.set_raw(name, value)  # kept on one line by prepare(): no encoded-words
        else:
            msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.mimetype.partition("/")
        msg.add_attachment(
            item.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item.filename,
            # Our text attachments (.ics) are UTF-8: without it a reader may guess another
            # charset and garble a German or Spanish event title.
            params={"charset": "utf-8"} if maintype == "text" else None,
        )
    return msg


def send(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
    connection: smtplib.SMTP | None = None,
) -> str:
    """Send one email and return its Message-ID. Raises MailError on failure.

    `connection` (from `connection()`) sends a batch over one SMTP connection.
    """
    msg = build_message(to, subject, text, html, attachments, headers, message_id)
    send_prepared(to, prepare(msg), connection)
    return msg["Message-ID"]


def prepare(msg: EmailMessage) -> bytes:
    """A built message as wire bytes (CRLF) without its Date, for `send_prepared` later."""
    del msg["Date"]
    utf8 = isinstance(msg.policy, EmailPolicy) and msg.policy.utf8
    return msg.as_bytes(policy=_WIRE_UTF8 if utf8 else _WIRE)


def send_prepared(to: str, data: bytes, smtp: smtplib.SMTP | None = None) -> None:
    """Send bytes from `prepare()`, dated now; much cheaper than building the message again."""
    data = f"Date: {format_datetime(datetime.now(UTC))}\r\n".encode() + data
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        if smtp is None:
            with _smtp_connection() as one:
                _sendmail(one, to, data)
        else:
            _sendmail(smtp, to, data)
    elif backend == "file":
        _send_file(data)
    elif backend == "console":
        sys.stdout.write(data.decode("utf-8", "replace").replace("\r\n", "\n") + "\n")
        sys.stdout.flush()
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r}: use smtp, file or console.")


@contextmanager
def connection() -> Iterator[smtplib.SMTP | None]:
    """One SMTP connection for a batch of sends; None for the file and console backends."""
    if current_app.config["MAIL_BACKEND"] != "smtp":
        yield None
        return
    with _smtp_connection() as smtp:
        yield smtp


@contextmanager
def _smtp_connection() -> Iterator[smtplib.SMTP]:
    smtp = _open_smtp()
    try:
        yield smtp
    finally:
        with suppress(OSError, smtplib.SMTPException):
            smtp.quit()
        smtp.close()


def _open_smtp() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = None
    try:
        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"])
        # SMTP is a chain of short commands and replies; Nagle's delay halves a batch's speed.
        assert smtp.sock is not None  # given a host, the constructor has connected
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
    except (OSError, smtplib.SMTPException) as exc:
        if smtp is not None:
            smtp.close()
        raise _smtp_error(exc) from exc
    return smtp


def _smtp_error(exc: Exception) -> MailError:
    cfg = current_app.config
    return MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: {exc}")


def _envelope(address: str, smtputf8: bool) -> str:
    """The address for MAIL FROM / RCPT TO: ASCII with an xn-- domain, or UTF-8 as it
    stands when it needs SMTPUTF8 and the server offers it."""
    if not needs_smtputf8(address):
        return ascii_domain(address)
    if not smtputf8:
        cfg = current_app.config
        raise MessageError(
            f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: this server cannot deliver to "
            f"internationalised addresses such as {address} (it does not offer SMTPUTF8)."
        )
    return address


def _sendmail(smtp: smtplib.SMTP, to: str, data: bytes) -> None:
    sender = parseaddr(current_app.config["MAIL_FROM"])[1]
    try:
        smtp.ehlo_or_helo_if_needed()
        smtputf8 = smtp.has_extn("smtputf8")
    except (OSError, smtplib.SMTPException) as exc:
        raise _smtp_error(exc) from exc
    from_addr, to_addr = _envelope(sender, smtputf8), _envelope(to, smtputf8)
    options = []
    if not data.isascii() and smtp.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    if needs_smtputf8(from_addr) or needs_smtputf8(to_addr):
        options.append("SMTPUTF8")
    try:
        smtp.sendmail(from_addr, [to_addr], data, mail_options=options)
    except _REFUSED as exc:
        if smtp.sock is None:  # refused with 421: the server closed the connection
            raise _smtp_error(exc) from exc
        raise MessageError(str(_smtp_error(exc))) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise _smtp_error(exc) from exc
    except Exception as exc:  # this message's own problem (it could not be encoded…)
        raise _abandon(smtp, exc) from exc


def _abandon(smtp: smtplib.SMTP, exc: Exception) -> MailError:
    """After a local error part-way through a message: reset, so the next one can go."""
    try:
        smtp.rset()
    except (OSError, smtplib.SMTPException) as broken:
        return _smtp_error(broken)
    return MessageError(f"This message could not be sent: {type(exc).__name__}: {exc}")


def _send_file(data: bytes) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    message_id = message_from_bytes(data, policy=policy.default)["Message-ID"] or ""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe_id = "".join(ch for ch in message_id if ch.isalnum())[:40]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # The bytes as they would go over SMTP (so headers stay exactly as written).
        (folder / f"{stamp}-{safe_id}.eml").write_bytes(data.replace(b"\r\n", b"\n"))
    except OSError as exc:
        raise MailError(f"Mail folder {folder}: {exc}") from exc
