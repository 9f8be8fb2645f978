"""The command tree's gate: each interaction answered once, its raw options present and of their declared type."""
from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.interactions import Interactions
from adapters.discord.options import wire_problem

log = logging.getLogger(__name__)
_NESTED = (1, 2)  # SUB_COMMAND, SUB_COMMAND_GROUP


class StationTree(app_commands.CommandTree):
    def __init__(self, client: discord.Client, interactions: Interactions):
        super().__init__(client)
        self.interactions = interactions

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            return True
        if not self.interactions.first_delivery(interaction):
            return False
        problem = _malformed(interaction)
        if problem:
            await interaction.response.send_message(problem, ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Only a command out of step with Discord's copy gets here; say so instead of failing silently."""
        log.warning("/%s could not run: %s", interaction.command.qualified_name if interaction.command else "?", error)
        if not interaction.response.is_done():
            await interaction.response.send_message(
                "This command has changed since your Discord loaded it; please pick it again.", ephemeral=True)


def _malformed(interaction: discord.Interaction) -> str | None:
    """Discord's client sends required options with their declared types, a modified one may not: check first."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    options: list[dict[str, Any]] = data.get("options", [])
    while options and options[0].get("type") in _NESTED:
        options = options[0].get("options", [])
    given = {option.get("name") for option in options}
    missing = [p.name for p in command.parameters if p.required and p.name not in given]
    if missing:
        return f"Option '{missing[0]}' is required."
    for option in options:
        parameter = command.get_parameter(option.get("name", ""))
        if parameter is None:
            continue
        wanted = wire_problem(parameter.type, option.get("value"))
        if wanted:
            return f"Option '{parameter.name}' must be {wanted}; got {option.get('value')!r:.60}."
    return None
