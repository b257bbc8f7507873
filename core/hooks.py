"""Extension points: where a lower layer asks and a higher app answers.

Apps depend one way (core <- sources <- annotator <- classroom <- framing, suggestions),
yet the annotator's workspace shows where a student stands on an assignment, and its
Label Studio export can carry label suggestions. The annotator declares what it needs
(a Protocol and a default next to its own code); the app that knows registers its answer
here from its AppConfig.ready(); the annotator asks for it by name. No import goes upward."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

_registry: dict[str, object] = {}


def provide(name: str, provider: object) -> None:
    """Register `provider` as the answer to `name` (the last registration wins)."""
    _registry[name] = provider


def provided(name: str, default: T) -> T:
    """What was registered under `name`, or `default` when no installed app answers it."""
    return _registry.get(name, default)  # type: ignore[return-value]
