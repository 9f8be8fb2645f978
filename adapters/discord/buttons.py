"""Persistent buttons: the custom_id carries the chat kit's action, so a click works after any restart."""
from __future__ import annotations

import re
from typing import Any

import discord

from adapters.chat.messages import Button, ButtonAction

PREFIX = "st:"
_STYLES = {ButtonAction.CONFIRM_TRAINING.value: discord.ButtonStyle.success,
           ButtonAction.DISCARD_TRAINING.value: discord.ButtonStyle.danger,
           ButtonAction.CONFIRM_PRICE.value: discord.ButtonStyle.success,
           ButtonAction.DISCARD_PRICE.value: discord.ButtonStyle.danger,
           ButtonAction.STOP.value: discord.ButtonStyle.danger}


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?:st:)?(?P<action>.*)"):
    """Matches every component the bot meets, so a button from an old message is answered too ("expired")."""

    def __init__(self, action: str, label: str | None = None):
        style = _STYLES.get(action.partition(":")[0], discord.ButtonStyle.secondary)
        super().__init__(discord.ui.Button(label=label or action, style=style, custom_id=f"{PREFIX}{action}"[:100]))
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ActionButton:
        return cls(match["action"], getattr(item, "label", None))

    async def callback(self, interaction: discord.Interaction) -> None:
        await getattr(interaction.client, "interactions").press(interaction, self.action)  # the StationClient's


def view_of(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:25]:
        view.add_item(ActionButton(button.action, button.label[:80]))
    return view
