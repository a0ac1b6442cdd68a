"""Which off-screen channels a notification goes to: one table per owner of notification types.

The owner of the types (the `ptw` app: `ptw/notification_routes.py`) registers its table when
its app is ready. A type without a row gets DEFAULT_ROUTE: e-mail, not critical. Per-user
preferences apply on top (`effective_channels`); a critical type keeps at least one channel.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Channel

ChannelsOf = Callable[[Mapping[str, Any]], tuple[str, ...]]


def always(*channels: str) -> ChannelsOf:
    """The same channels for every notification of the type."""
    return lambda data: tuple(channels)


@dataclass(frozen=True)
class Route:
    """The default channels of a notification type, and what the recipient is asked to do."""

    # The channels from the notification's data (e.g. the escalation rule's method).
    channels: ChannelsOf = field(default=always(Channel.EMAIL))
    # Shown in the preferences when `channels` depends on the notification (e.g. "as the rule says").
    default_label: str = ""
    # Safety-critical: never muted below one off-screen channel, never held for a digest.
    critical: bool = False
    # One sentence: what the recipient should do ("Verify the permit or reject it.").
    ask: str = "Open the permit for the details."

    @property
    def default_channels(self) -> tuple[str, ...]:
        """The channels the preferences page starts from: `channels` of a notification without data."""
        return self.channels({})


DEFAULT_ROUTE = Route()

_ROUTES: dict[str, Route] = {}
_LABELS: dict[str, str] = {}


def register(routes: Mapping[str, Route], labels: Mapping[str, str]) -> None:
    """Add an app's table (type → Route) and its types' names as people read them."""
    _ROUTES.update(routes)
    _LABELS.update(labels)


def route_of(notification_type: str) -> Route:
    return _ROUTES.get(notification_type, DEFAULT_ROUTE)


def known_types() -> dict[str, str]:
    """{type: label} of every registered type, in registration order (the preference page's rows)."""
    return dict(_LABELS)


def effective_channels(
    notification_type: str, data: Mapping[str, Any], preferences: Mapping[str, bool]
) -> tuple[str, ...]:
    """The channels for one notification given the user's {channel: enabled} for its type.

    A channel the user set is on or off as they chose; the others follow the route. A critical
    type never ends with none: then the route's own channels apply.
    """
    route = route_of(notification_type)
    default = route.channels(data)
    chosen = tuple(channel for channel in Channel.values if preferences.get(channel, channel in default))
    if route.critical and not chosen:
        return default
    return chosen
