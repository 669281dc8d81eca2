"""Each channel type's messages for an event, and the send log's keys they go by."""

from __future__ import annotations

from collections.abc import Callable

from statusgen import model as m
from statusgen.notify import discord, mail, slack, teams, webhook
from statusgen.notify.events import Event
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import COMPONENT_EVENT, Delivery, Scene, component_keys

Builder = Callable[[m.Channel, Notice, Scene], list[Delivery]]

BUILDERS: dict[m.ChannelType, Builder] = {
    m.ChannelType.SLACK: slack.build,
    m.ChannelType.DISCORD: discord.build,
    m.ChannelType.TEAMS: teams.build,
    m.ChannelType.WEBHOOK: webhook.build,
    m.ChannelType.EMAIL: mail.build,
}


def keys(channel: m.Channel, event: Event) -> list[str]:
    """The send log's keys of the messages ``event`` makes for ``channel`` (a webhook sends
    one more message per component the event changed)."""
    found = [event.id]
    if channel.type is m.ChannelType.WEBHOOK:
        found += component_keys(event)
    return found


def name_of(key: str, event: Event) -> str:
    """The event name of the message with ``key``: a webhook's component message is its own."""
    return COMPONENT_EVENT if key != event.id else event.name


def deliveries(channel: m.Channel, event: Event, scene: Scene) -> list[Delivery]:
    """The messages of ``event`` for ``channel``."""
    return BUILDERS[channel.type](channel, scene.notice(event), scene)
