"""One instance of the service, put together from a status repository and the environment:
its settings, its fan-out, its Starlette app."""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from statusgen import model as m
from statusgen.notify.targets import SetupError, mail_server
from statusgen.render.i18n import page_translator
from statusgen.subscriptions.app import App
from statusgen.subscriptions.fanout import Fanout, Settings
from statusgen.subscriptions.mail import Mailer
from statusgen.subscriptions.store import Store
from statusgen.subscriptions.tokens import MIN_KEY

KEY_ENV = "STATUSGEN_SUBSCRIBERS_KEY"
"""The variable holding the key that signs every link."""
TOKEN_ENV = "STATUSGEN_SUBSCRIBERS_TOKEN"
"""The variable holding the bearer token ``statusgen notify`` sends to ``api/events``."""


def _clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def secret(environ: Mapping[str, str], name: str, what: str) -> str:
    value = environ.get(name, "").strip()
    if len(value) < MIN_KEY:
        raise SetupError(f"set {name} to {what} ({MIN_KEY} characters at least)")
    return value


def settings(root: Path, config: m.Config, store: Store, environ: Mapping[str, str], listen: str,
             clock: Callable[[], datetime] = _clock) -> Settings:
    """The settings of the instance listening on ``listen``; :class:`SetupError` naming the
    variable that is missing.

    The instance is named after the machine and the address it listens on, the same after a
    restart: a restarted instance takes up at once the fan-out it held when it stopped, while
    another instance waits for that lease to run out."""
    declared = config.subscriptions
    if declared is None:
        raise SetupError("components.yml declares no `subscriptions:` (url, from, smtp_env)")
    server = mail_server(environ, declared.smtp_env, declared.sender)
    groups = {member.id: (c.id,) for c in config.components for member in c.members}
    return Settings(
        store=store, key=secret(environ, KEY_ENV, "a random key that signs the links").encode(),
        lang=page_translator(root / "themes", config.page), page=config.page.title,
        base=declared.url, sender=declared.sender,
        components={c.id: groups.get(c.id, ()) for c in config.walk() if not c.retired},
        names={c.id: c.name for c in config.walk()}, mailer=lambda: Mailer(server),
        clock=clock, owner=f"{socket.gethostname()} {listen}")


def app(found: Settings, token: str) -> App:
    return App(found, Fanout(found), token)
