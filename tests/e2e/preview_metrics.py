"""What a running station's /metrics says of each chat bot's previews: how many it showed and how many it dropped."""
from __future__ import annotations

import re

import httpx


async def preview_counts(app, platform: str) -> tuple[int, int]:
    """(shown, dropped) for `platform`, read from the station's own /metrics as an operator would."""
    async with httpx.AsyncClient() as http:
        metrics = (await http.get(f"{app.platforms[0].url}/metrics")).text
    shown, dropped = (re.search(rf'^stationthis_previews_{what}_total{{platform="{platform}"}} (\d+)$', metrics, re.M)
                      for what in ("shown", "dropped"))
    assert shown and dropped, metrics
    return int(shown.group(1)), int(dropped.group(1))
