"""Notification channels: ids unique, the keys each type needs and no other, components that
exist.

The schema reads each key on its own; which keys a channel needs depends on its ``type``,
so that is decided here, over the whole channel.
"""

from __future__ import annotations

from collections.abc import Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic
from statusgen.source.schema import suggest

T = m.ChannelType
WEBHOOKS = (T.SLACK, T.DISCORD, T.TEAMS, T.WEBHOOK)

NEEDS: dict[m.ChannelType, tuple[str, ...]] = {
    **{t: ("url_env",) for t in WEBHOOKS},
    T.EMAIL: ("smtp_env", "from", "to_env"),
}
"""The keys a channel of each type must have."""

MAY: dict[m.ChannelType, tuple[str, ...]] = {
    **{t: NEEDS[t] for t in WEBHOOKS},
    T.WEBHOOK: ("url_env", "secret_env"),
    T.EMAIL: NEEDS[T.EMAIL],
}
"""The type-specific keys a channel of each type may have."""

SPECIFIC = ("url_env", "secret_env", "smtp_env", "from", "to_env")


def check_channels(config: m.Config) -> Iterator[Diagnostic]:
    """Every channel of ``notify:`` can be sent to, as far as the file can say."""
    ids = [c.id for c in config.walk()]
    seen: dict[str, m.Channel] = {}
    for channel in config.notify:
        first = seen.setdefault(channel.id, channel)
        if first is not channel:
            yield rules.CHANNEL.at(channel.loc_of("id"), f"channel id `{channel.id}` is already used "
                                   f"on line {first.loc_of('id').line}; the send log tells channels apart by "
                                   "id, so give each its own")
        for key in NEEDS[channel.type]:
            if not channel.has(key):
                yield rules.CHANNEL.at(channel.loc, f"{_a(channel.type)} channel needs `{key}`: "
                                       f"{_what(key)}")
        for key in SPECIFIC:
            if channel.has(key) and key not in MAY[channel.type]:
                users = ", ".join(t.value for t in T if key in MAY[t])
                yield rules.CHANNEL.at(channel.loc_of(key), f"`{key}` is not used by "
                                       f"{_a(channel.type)} channel (only by {users}); remove it")
        if channel.internal and channel.type is T.EMAIL:
            # An email channel's list is the page's subscribers: readers, never only the team.
            yield rules.CHANNEL.at(channel.loc_of("internal"), "an email channel sends to the "
                                   "page's subscribers, so it cannot be `internal: true`; send "
                                   "internal updates to the team's slack, discord, teams or "
                                   "webhook channel instead, or remove `internal`")
        for ref in channel.components:
            if ref.id not in ids:
                yield rules.UNKNOWN_COMPONENT.at(
                    ref.loc, f"no component `{ref.id}` in "
                    f"components.yml{suggest(ref.id, ids)}; a channel follows ids of the "
                    f"components above: {', '.join(ids)}")


def _a(kind: m.ChannelType) -> str:
    return f"{'an' if kind is T.EMAIL else 'a'} {kind}"


def _what(key: str) -> str:
    return {
        "url_env": "the name of the environment variable (a repository secret) that holds the "
                   "webhook's URL, such as `url_env: SLACK_STATUS_WEBHOOK`",
        "smtp_env": "the name of the variable that holds the mail server's URL, such as "
                    "`smtp_env: STATUS_SMTP_URL`",
        "from": "the address to send from, such as `from: status@acme.example`",
        "to_env": "the name of the variable that holds the recipients, such as "
                  "`to_env: STATUS_SUBSCRIBERS`",
    }[key]
