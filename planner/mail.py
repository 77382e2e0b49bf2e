"""One `send` function; the backend (smtp, file, console) comes from settings."""

from __future__ import annotations

import smtplib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
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
    msg["Subject"] = subject
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
) -> str:
    """Send one email and return its Message-ID. Raises MailError on failure."""
    msg = build_message(to, subject, text, html, attachments, headers, message_id)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(msg)
    elif backend == "file":
        _send_file(msg)
    elif backend == "console":
        sys.stdout.write(msg.as_string() + "\n")
        sys.stdout.flush()
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r}: use smtp, file or console.")
    return msg["Message-ID"]


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"]) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: {exc}") from exc


def _send_file(msg: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe_id = "".join(ch for ch in msg["Message-ID"] if ch.isalnum())[:40]
    (folder / f"{stamp}-{safe_id}.eml").write_bytes(bytes(msg))
