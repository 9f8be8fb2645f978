"""A session's name from the browser's User-Agent, e.g. "Firefox on Linux", so people can tell them apart."""
from __future__ import annotations

# Checked in order: Edge and Opera also say Chrome, Chrome also says Safari; phones also name a desktop system.
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str | None) -> str:
    agent = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), "a browser")
    system = next((name for mark, name in SYSTEMS if mark in agent), None)
    return f"{browser} on {system}" if system else browser
