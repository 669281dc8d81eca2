"""The service's mail: the confirmation of a sign-up, and an event's mail to one subscriber.

An event's mail is the one ``statusgen notify`` writes for an email channel (subject, text and
HTML in the page's language, posted to ``api/events``), addressed to one subscriber and with
their own links: ``List-Unsubscribe`` with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058, which large mailbox providers require of bulk senders), and the same link visible
in both parts.  Its ``Message-ID`` is derived from the event and the subscriber, so the rare
repeat after a crash shows once in a mail client.

:class:`Mailer` keeps one SMTP session open across a fan-out and opens another when it drops.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from statusgen.notify.targets import SmtpTarget
from statusgen.render.i18n import Language

ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                     r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z")
"""An address a subscriber may give: a plain mailbox, no name, comment, quote, space or line
break (nothing a header could be injected through)."""


def valid_address(value: str) -> bool:
    return len(value) <= 254 and ADDRESS.match(value) is not None


@dataclass(frozen=True)
class Links:
    """A subscriber's own links in one mail."""

    unsubscribe: str
    manage: str


def _host(url: str) -> str:
    return urlsplit(url).hostname or "statusgen.invalid"


def _message(sender: str, to: str, subject: str, now: Any, ident: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = " ".join(subject.split())[:200]
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = ident
    message["Auto-Submitted"] = "auto-generated"
    return message


def confirmation(lang: Language, page: str, sender: str, to: str, link: str, now: Any) -> bytes:
    """The one mail a sign-up sends: the link that confirms it."""
    subject = lang._("%(page)s: confirm your subscription", page=page)
    asked = lang._("Someone, hopefully you, asked to receive the public updates of %(page)s at "
                   "this address. To confirm, open this link:", page=page)
    ignore = lang.gettext("If it was not you, ignore this mail: nothing more will be sent.")
    message = _message(sender, to, subject, now,
                       f"<{hashlib.sha256(link.encode()).hexdigest()[:32]}@{_host(link)}>")
    message.set_content(f"{asked}\n\n{link}\n\n{ignore}\n")
    e = html.escape
    message.add_alternative(
        f"<!DOCTYPE html>\n<html lang=\"{e(lang.tag)}\" dir=\"{lang.direction}\"><head>"
        f"<meta charset=\"utf-8\"><title>{e(subject)}</title></head><body>\n<p>{e(asked)}</p>\n"
        f"<p><a href=\"{e(link)}\">{e(link)}</a></p>\n<p>{e(ignore)}</p>\n</body></html>\n",
        subtype="html")
    return message.as_bytes()


def event_mail(lang: Language, event: dict[str, Any], subscriber: int, sender: str, to: str,
               links: Links, now: Any) -> bytes:
    """An event's mail (as ``statusgen notify`` wrote it) to one subscriber, with their links."""
    ident = hashlib.sha256(f"{event['id']}\n{subscriber}".encode()).hexdigest()[:32]
    message = _message(sender, to, str(event["subject"]), now, f"<{ident}@{_host(links.manage)}>")
    message["List-Unsubscribe"] = f"<{links.unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Statusgen-Event"] = str(event["name"])
    leave, choose = lang.gettext("Unsubscribe"), lang.gettext("Choose components")
    message.set_content(f"{event['text'].rstrip()}\n{leave}: {links.unsubscribe}\n"
                        f"{choose}: {links.manage}\n")
    e = html.escape
    footer = (f"<p style=\"color: #555; font-size: 0.85em;\"><a href=\"{e(links.unsubscribe)}\">"
              f"{e(leave)}</a> · <a href=\"{e(links.manage)}\">{e(choose)}</a></p>\n")
    body = str(event["html"])
    cut = body.rfind("</body>")
    message.add_alternative(body[:cut] + footer + body[cut:] if cut >= 0 else body + footer,
                            subtype="html")
    return message.as_bytes()


class MailError(Exception):
    """The mail server did not take a message; ``retry`` when trying later may help."""

    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.retry = retry


class Mailer:
    """Sends through one mail server, keeping the session open between messages."""

    def __init__(self, server: SmtpTarget, timeout: float = 30.0) -> None:
        self.server = server
        self.timeout = timeout
        self._client: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        found = self.server
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(found.host, found.port, timeout=self.timeout, context=context) \
            if found.implicit_tls else smtplib.SMTP(found.host, found.port, timeout=self.timeout)
        client.ehlo()
        if not found.implicit_tls:
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif found.user and not found.loopback:
                client.close()
                raise MailError("the mail server does not offer STARTTLS, and statusgen does not "
                                "send a password in clear text; use smtps://", retry=False)
        if found.user:
            client.login(found.user, found.password)
        return client

    def send(self, to: str, body: bytes) -> None:
        """Hand one message for ``to`` to the server; :class:`MailError` when it is not taken."""
        for attempt in (1, 2):
            try:
                if self._client is None:
                    self._client = self._open()
                self._client.sendmail(self.server.sender, [to], body)
                return
            except smtplib.SMTPRecipientsRefused:
                raise MailError("the mail server refused the recipient", retry=False) from None
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    raise MailError(f"SMTP {exc.smtp_code}", retry=False) from None
                self.close()
                if attempt == 2:
                    raise MailError(f"SMTP {exc.smtp_code}", retry=True) from None
            except (smtplib.SMTPException, OSError) as exc:
                self.close()  # a session that dropped: the second attempt opens a new one
                if attempt == 2:
                    raise MailError(f"no answer ({type(exc).__name__})", retry=True) from None

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._client.quit()
            self._client = None
