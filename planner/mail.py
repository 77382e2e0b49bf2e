"""One `send` function; the backend (smtp, file, console) comes from settings."""

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
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


class MailError(RuntimeError):
    """Sending failed; the message says why (shown on the reminders page)."""


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    # Subjects carry names members typed; a line break in one must not break the header.
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="planner.local")
    for name, value in (headers or {}).items():
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
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def send_prepared(to: str, data: bytes, smtp: smtplib.SMTP | None = None) -> None:
    """Send bytes from `prepare()`, dated now; much cheaper than building the message again."""
    data = f"Date: {format_datetime(datetime.now(UTC))}\r\n".encode() + data
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        if smtp is None:
            with connection() as one:
                _sendmail(one, to, data)
        else:
            _sendmail(smtp, to, data)
    elif backend == "file":
        _send_file(message_from_bytes(data, policy=policy.default))
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


def _sendmail(smtp: smtplib.SMTP, to: str, data: bytes) -> None:
    try:
        smtp.sendmail(parseaddr(current_app.config["MAIL_FROM"])[1], [to], data)
    except (OSError, smtplib.SMTPException) as exc:
        raise _smtp_error(exc) from exc


def _send_file(msg: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe_id = "".join(ch for ch in msg["Message-ID"] if ch.isalnum())[:40]
    (folder / f"{stamp}-{safe_id}.eml").write_bytes(bytes(msg))
