"""Sending over SMTP, the only user of smtplib; its errors are translated here."""

from __future__ import annotations

import os
import smtplib
import ssl
from email import message_from_bytes, policy

from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError, MailboxError


def send(config: Config, raw: bytes) -> None:
    """Send one message (TLS or STARTTLS, certificate verified, password from the environment)."""
    settings = config.send
    if not settings.smtp_host:
        raise InboxAgentError(f"{config.path}: send.smtp_host is missing (send.mode is smtp)")
    password = os.environ.get(settings.smtp_password_env, "")
    if not password:
        raise InboxAgentError(
            "no SMTP password", hint=f"set the environment variable {settings.smtp_password_env}"
        )
    message = message_from_bytes(raw, policy=policy.SMTP)
    username = settings.smtp_username or config.imap.username or config.author.email
    context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
    try:
        if settings.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=60, context=context
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=60)
            client.starttls(context=context)
        with client:
            client.login(username, password)
            client.send_message(message)  # with SMTPUTF8 when an address needs it
    except smtplib.SMTPNotSupportedError as err:
        recipients = ", ".join(a for a in (message["To"] or "").split(",") if a)
        raise MailboxError(
            f"{settings.smtp_host} cannot send to {recipients.strip()}: the address needs "
            "SMTPUTF8, which the server does not offer",
            hint="answer this reader from your own mail program, or use send.mode = \"drafts\"",
        ) from err
    except (smtplib.SMTPException, OSError) as err:
        raise MailboxError(
            f"sending through {settings.smtp_host}:{settings.smtp_port} failed ({err})",
            hint="check the [send] settings",
        ) from err
