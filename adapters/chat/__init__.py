"""The chat kit: what Telegram and Discord share, so no command's logic exists twice."""
