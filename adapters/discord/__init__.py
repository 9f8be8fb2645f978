"""The Discord bot: the command catalogue as slash commands, persistent buttons, notices back to interactions."""
