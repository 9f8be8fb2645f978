"""Points the real discord.py at a stand-in: its REST base (`Route.BASE`) and its default gateway URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def discord_py_targets(base_url: str) -> tuple[str, yarl.URL]:
    """For DISCORD_API_BASE_URL=http://host:port: REST at {base}/api/v10, gateway at ws://host:port/.

    A plain `discord.Client` never asks GET /gateway/bot; it connects to `DiscordWebSocket.DEFAULT_GATEWAY`
    and, after READY, to the `resume_gateway_url` the gateway gave it. (AutoShardedClient asks /gateway/bot.)
    """
    base = yarl.URL(base_url.rstrip("/"))
    gateway = base.with_scheme("wss" if base.scheme == "https" else "ws").with_path("/")
    return f"{base}/api/v10", gateway


@contextmanager
def point_discord_py_at(target) -> Iterator[None]:
    """`with point_discord_py_at(dc):` (a DiscordStandin or a base URL) routes discord.py there, then restores.

    Both attributes are process-wide class attributes, so clients created inside or outside the block alike
    use them while it is active.
    """
    rest_base, gateway = discord_py_targets(getattr(target, "url", target))
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = rest_base, gateway
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
