"""Autocomplete: the models, checkpoints, collections and datasets the typing user may pick."""
from __future__ import annotations

import discord
from discord import app_commands

from adapters.chat.options import MAX_CHOICES, Option
from domain.workflows.station import Station


class Completer:
    def __init__(self, station: Station):
        self.station = station

    def for_option(self, option: Option):
        if option.complete == "choice":
            async def among(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
                return _matching([(c, c) for c in option.choices], current)
            return among
        return {"lora": self.loras, "checkpoint": self.checkpoints, "collection": self.collections,
                "dataset": self.datasets}[option.complete or ""]

    async def loras(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The user's own models first, then those shared with them or public, then the worker's files."""
        user = await self._user(interaction)
        models = sorted(await self.station.models.visible(user.id), key=lambda m: _WHOSE.index(_whose(m, user.id)))
        named = [(f"{m.name} · {_whose(m, user.id)}", m.name) for m in models]
        files = await self.station.workers.choices("loras")
        return _matching(named + [(f"{f} · on the worker", f) for f in files], current)

    async def checkpoints(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return _matching([(f, f) for f in await self.station.workers.choices("checkpoints")], current)

    async def collections(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        user = await self._user(interaction)
        found = await self.station.collections.list(user.id)
        return _matching([(c.name if c.owner == user.id else f"{c.name} · shared with you", c.name) for c in found],
                         current)

    async def datasets(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        user = await self._user(interaction)
        found = await self.station.training.datasets(user.id)
        return _matching([(f"{d.name} · {len(d.images)} images", d.name) for d in found], current)

    async def _user(self, interaction: discord.Interaction):
        return await self.station.accounts.user_for(f"discord:{interaction.user.id}", interaction.user.display_name)


_WHOSE = ("yours", "shared with you", "public")


def _whose(model, user_id: str) -> str:
    return "yours" if model.owner == user_id else "shared with you" if model.visibility == "shared" else "public"


def _matching(labelled: list[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    wanted, seen, choices = (current or "").strip().lower(), set(), []
    for label, value in labelled:
        if value in seen or wanted not in label.lower() or len(value) > 100:
            continue
        seen.add(value)
        choices.append(app_commands.Choice(name=label[:100], value=value))
    return choices[:MAX_CHOICES]
