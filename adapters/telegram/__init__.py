"""The Telegram bot: python-telegram-bot updates in, through the chat kit, job notices back out."""
