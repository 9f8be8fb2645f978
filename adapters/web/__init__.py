"""The web interface: server-rendered pages, a JSON API, health and metrics (Quart served by hypercorn)."""
