"""Where a channel's messages go, read from the environment variables it names.

URLs, passwords and the list of recipients are secrets: they are read here and handed to
the sender, and never written anywhere else.  A problem names the variable, never its
value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

from statusgen import model as m

RECIPIENTS_FILE_LIMIT = 1024 * 1024
RECIPIENTS_LIMIT = 10_000
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SetupError(Exception):
    """A channel cannot be sent to as its variables stand; the message names the variable."""


@dataclass(frozen=True)
class HttpTarget:
    """A webhook's URL and, for the webhook type, its signing key."""

    url: str
    secret: str = ""


@dataclass(frozen=True)
class SmtpTarget:
    """A mail server, how to reach it safely, and who receives."""

    host: str
    port: int
    implicit_tls: bool
    """``smtps://``: TLS from the first byte; ``smtp://``: STARTTLS when offered."""
    user: str
    password: str
    sender: str
    recipients: tuple[str, ...]

    @property
    def loopback(self) -> bool:
        """The server is this machine (a local relay), where plain text stays local."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


Target = HttpTarget | SmtpTarget


def _value(environ: Mapping[str, str], name: str, what: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise SetupError(f"the environment variable {name} ({what}) is not set; in CI, add a "
                         f"repository secret {name} and pass it to the notify step")
    if _CONTROL.search(value):
        raise SetupError(f"{name} holds a control character or line break; set it again")
    return value


def http_target(channel: m.Channel, environ: Mapping[str, str]) -> HttpTarget:
    """The URL (and signing key) of a slack, discord, teams or webhook channel."""
    url = _value(environ, channel.url_env, "the webhook's URL")
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise SetupError(f"{channel.url_env} is not an http(s) URL")
    secret = _value(environ, channel.secret_env, "the signing key") if channel.secret_env else ""
    return HttpTarget(url, secret)


def smtp_target(channel: m.Channel, environ: Mapping[str, str], root: Path) -> SmtpTarget:
    """The mail server and recipients of an email channel."""
    server = mail_server(environ, channel.smtp_env, channel.sender)
    return replace(server, recipients=_recipients(environ, channel.to_env, root))


def mail_server(environ: Mapping[str, str], name: str, sender: str) -> SmtpTarget:
    """The mail server the variable ``name`` holds, without recipients (the subscriptions
    service has its own)."""
    raw = _value(environ, name, "the mail server's URL")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise SetupError(f"{name} is not a URL like smtps://user:password@host:465") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SetupError(f"{name} is not a URL like smtps://user:password@host:465 "
                         "or smtp://user:password@host:587")
    implicit = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname, port=port or (465 if implicit else 587), implicit_tls=implicit,
        user=unquote(parts.username or ""), password=unquote(parts.password or ""),
        sender=getaddresses([sender])[0][1], recipients=())


def _recipients(environ: Mapping[str, str], name: str, root: Path) -> tuple[str, ...]:
    """Addresses separated by commas, or the path (from ``root``) of a file of them."""
    value = _value(environ, name, "the recipients")
    where = f"{name}"
    if "@" not in value:
        path = (root / value) if not Path(value).is_absolute() else Path(value)
        try:
            with path.open("rb") as handle:
                data = handle.read(RECIPIENTS_FILE_LIMIT + 1)
        except OSError as exc:
            raise SetupError(f"{name} names a file of recipients that cannot be read: "
                             f"{exc.strerror}") from None
        if len(data) > RECIPIENTS_FILE_LIMIT:
            raise SetupError(f"the file {name} names is over 1 MiB")
        try:
            value = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SetupError(f"the file {name} names is not UTF-8") from None
        where = f"the file {name} names"
    found: list[str] = []
    for number, line in enumerate(value.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for item in (p.strip() for p in re.split(r"[,;]", line)):
            if not item:
                continue
            address = getaddresses([item])[0][1]
            local, at, domain = address.rpartition("@")
            if _CONTROL.search(item) or not at or not local or "." not in domain or " " in address:
                raise SetupError(f"{where}: entry {len(found) + 1} (line {number}) is not an "
                                 "email address")
            found.append(address)
    unique = tuple(dict.fromkeys(found))
    if not unique:
        raise SetupError(f"{where} holds no address")
    if len(unique) > RECIPIENTS_LIMIT:
        raise SetupError(f"{where} holds more than {RECIPIENTS_LIMIT:,} addresses; use a "
                         "mailing list's address")
    return unique


def target(channel: m.Channel, environ: Mapping[str, str], root: Path) -> Target:
    """Where ``channel``'s messages go; :class:`SetupError` when its variables say nothing usable."""
    if channel.type is m.ChannelType.EMAIL:
        return smtp_target(channel, environ, root)
    return http_target(channel, environ)


def secrets(found: Target) -> list[str]:
    """The values a message about ``found`` must never show."""
    if isinstance(found, SmtpTarget):
        return [s for s in (found.password, found.user) if s]
    parts = urlsplit(found.url)
    # A receiver may echo one part of the URL: Slack's and Discord's tokens are its last
    # path segment, others put a token in the query.
    pieces = [*parts.path.split("/"), *re.split(r"[&=]", parts.query)]
    return [s for s in (found.url, parts.path, parts.query, found.secret, *pieces) if len(s) >= 8]
