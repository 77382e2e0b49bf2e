"""The mail backends, against a real SMTP server on loopback."""

from pathlib import Path

import pytest

from planner import mail
from tests.helpers import committing


def test_smtp_backend_delivers_text_html_and_attachment(smtp_app, smtp_server):
    with smtp_app.app_context():
        message_id = mail.send(
            "sam@example.com",
            "Hello",
            "plain body",
            html="<p>html body</p>",
            attachments=[
                mail.Attachment(
                    "slot.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
                )
            ],
            headers={"List-Unsubscribe": "<http://planner.test/x>"},
        )
    (msg,) = smtp_server.messages
    assert msg["Message-ID"] == message_id
    assert msg["Subject"] == "Hello" and msg["List-Unsubscribe"] == "<http://planner.test/x>"
    assert msg.get_body(("plain",)).get_content().strip() == "plain body"
    assert "html body" in msg.get_body(("html",)).get_content()
    (attachment,) = list(msg.iter_attachments())
    assert (
        attachment.get_filename() == "slot.ics" and attachment.get_content_type() == "text/calendar"
    )


def test_smtp_failure_raises_a_clear_error(smtp_app):
    from tests.conftest import free_port

    smtp_app.config["SMTP_PORT"] = free_port()  # nothing listens there
    with smtp_app.app_context(), pytest.raises(mail.MailError, match="SMTP"):
        mail.send("sam@example.com", "Hello", "body")


def test_file_backend_writes_eml(app, tmp_path):
    app.config["MAIL_FILE_DIR"], saved = str(tmp_path), app.config["MAIL_FILE_DIR"]
    try:
        with committing(app):
            mail.send("sam@example.com", "Filed", "body")
    finally:
        app.config["MAIL_FILE_DIR"] = saved
    (eml,) = Path(tmp_path).glob("*.eml")
    assert b"Subject: Filed" in eml.read_bytes()


def test_console_backend(app, capsys):
    app.config["MAIL_BACKEND"] = "console"
    try:
        with committing(app):
            mail.send("sam@example.com", "On the console", "body")
    finally:
        app.config["MAIL_BACKEND"] = "file"
    assert "Subject: On the console" in capsys.readouterr().out


def test_a_calendar_attachment_says_it_is_utf8(app):
    """A German event title survives a reader that honours the declared charset."""
    import email
    from email import policy

    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Zeit für dich · Schwimmen\r\nEND:VCALENDAR\r\n".encode()
    with app.app_context():
        built = mail.build_message(
            to="a@example.com",
            subject="Zeit für dich",
            text="Bis gleich.",
            attachments=[mail.Attachment("zeit.ics", ics, "text/calendar")],
        )
    parsed = email.message_from_bytes(bytes(built), policy=policy.default)
    (part,) = list(parsed.iter_attachments())
    assert part.get_param("charset") == "utf-8"
    assert "Zeit für dich · Schwimmen" in part.get_content()
