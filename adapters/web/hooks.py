"""POST /hooks/<name>: a chat platform's webhook, handed to the handler that platform added to WebhookRoutes."""
from __future__ import annotations

from quart import Blueprint, Response, request

from adapters.web.context import web

blueprint = Blueprint("hooks", __name__)


@blueprint.post("/hooks/<name>")
async def hook(name: str):
    handler = web().webhooks.get(name)
    if handler is None:
        return Response("", status=404)
    body = await request.get_data(as_text=False)  # above MAX_CONTENT_LENGTH this answers 413
    return Response("", status=await handler(dict(request.headers), body if isinstance(body, bytes) else body.encode()))
