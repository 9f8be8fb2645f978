"""Interaction responses: the initial callback, the @original message and followups, with their deadlines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from .interactions import ALLOWED_CALLBACKS, Callback, InteractionRecord
from .messages import LOADING, Message
from .middleware import DiscordError, json_response
from .state import World
from .uploads import read_message_body

UPDATE_CALLBACKS = {6, 7}  # DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE


@contextmanager
def _recorded(rec: InteractionRecord) -> Iterator[None]:
    """Notes every error answered about a known interaction in its `rejections`."""
    try:
        yield
    except DiscordError as error:
        rec.rejections.append((error.status, error.code))
        raise


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


class InteractionWebhooks:
    """Routes authenticated by interaction tokens; `answer_within` and `token_lifetime` are in seconds."""

    def __init__(self, world: World, *, answer_within: float, token_lifetime: float) -> None:
        self.world, self.answer_within, self.token_lifetime = world, answer_within, token_lifetime

    def add_routes(self, app: web.Application, prefix: str) -> None:
        app.router.add_post(prefix + "/interactions/{interaction_id}/{token}/callback", self.callback)
        app.router.add_post(prefix + "/webhooks/{application_id}/{token}", self.followup)
        for method in ("GET", "PATCH", "DELETE"):
            app.router.add_route(method, prefix + "/webhooks/{application_id}/{token}/messages/{message_id}",
                                 self.webhook_message)

    def _age(self, rec: InteractionRecord) -> float:
        return asyncio.get_running_loop().time() - rec.dispatched_at

    async def _read(self, request: web.Request, rec: InteractionRecord):
        return await read_message_body(request, self.world, rec.channel_id, rec.payload["attachment_size_limit"])

    def _new_message(self, rec: InteractionRecord, body: dict, uploads: dict, flags: int = 0) -> Message:
        return self.world.add_message(
            rec.channel_id, self.world.bot_user, body, uploads, flags=flags, type=rec.message_type,
            webhook_id=self.world.application_id, application_id=self.world.application_id,
            interaction_metadata=rec.metadata(),
        )

    async def callback(self, request: web.Request) -> web.Response:
        rec = self.world.interactions.get(request.match_info["interaction_id"])
        if rec is None or rec.token != request.match_info["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        with _recorded(rec):
            age = self._age(rec)
            body, uploads = await self._read(request, rec)
            # No awaits from here on: of two concurrent answers exactly one is acknowledged.
            if rec.callbacks:
                raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
            if age > self.answer_within:
                raise DiscordError(404, 10062, "Unknown interaction")
            kind, data = body.get("type"), body.get("data") or {}
            if kind not in ALLOWED_CALLBACKS[rec.type]:
                raise DiscordError(400, 50035, f"Invalid Form Body: callback type {kind} for interaction {rec.type}")
            if kind == 4:
                rec.original = self._new_message(rec, data, uploads)
            elif kind == 5:
                rec.original = self._new_message(rec, {"flags": data.get("flags")}, uploads, flags=LOADING)
            elif kind in UPDATE_CALLBACKS:
                rec.original = self.world.messages[rec.payload["message"]["id"]]
                if kind == 7:
                    rec.original.fill(data, uploads, editing=True)
            rec.callbacks.append(Callback(kind, data))
        if not _truthy(request.query.get("with_response")):
            return web.Response(status=204)
        answer: dict = {"interaction": {"id": rec.id, "type": rec.type}}
        if rec.original is not None:
            answer["interaction"] |= {"response_message_id": rec.original.id,
                                      "response_message_loading": rec.original.loading,
                                      "response_message_ephemeral": rec.original.ephemeral}
            if kind in (4, 5, 7):
                answer["resource"] = {"type": kind, "message": rec.original.payload()}
        return json_response(answer)

    def _interaction_of(self, request: web.Request) -> InteractionRecord:
        if request.match_info["application_id"] != self.world.application_id:
            raise DiscordError(404, 10015, "Unknown Webhook")
        token = request.match_info["token"]
        rec = next((r for r in self.world.interactions.values() if r.token == token), None)
        if rec is None:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return rec

    def _check_webhook(self, rec: InteractionRecord) -> None:
        if self._age(rec) > self.token_lifetime:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if not rec.callbacks:  # the interaction webhook exists only once the interaction is acknowledged
            raise DiscordError(404, 10015, "Unknown Webhook")

    async def webhook_message(self, request: web.Request) -> web.Response:
        """GET, PATCH or DELETE /webhooks/{app}/{token}/messages/{@original or id}."""
        rec = self._interaction_of(request)
        with _recorded(rec):
            self._check_webhook(rec)
            message = _message_of(rec, request.match_info["message_id"])
            if request.method == "PATCH":
                body, uploads = await self._read(request, rec)
                message.fill(body, uploads, editing=True)
            elif request.method == "DELETE":
                message.deleted = True
                return web.Response(status=204)
        return json_response(message.payload())

    async def followup(self, request: web.Request) -> web.Response:
        """POST /webhooks/{app}/{token}; the first followup after a deferred response completes that message."""
        rec = self._interaction_of(request)
        with _recorded(rec):
            self._check_webhook(rec)
            body, uploads = await self._read(request, rec)
            if rec.original is not None and rec.original.loading and not rec.original.deleted:
                message = rec.original
                message.fill(body, uploads, editing=True)
            else:
                message = self._new_message(rec, body, uploads)
                rec.followups.append(message)
        if not _truthy(request.query.get("wait")):
            return web.Response(status=204)
        return json_response(message.payload())


def _message_of(rec: InteractionRecord, message_id: str) -> Message:
    candidates = [rec.original] + rec.followups
    message = rec.original if message_id == "@original" else next(
        (m for m in candidates if m is not None and m.id == message_id), None)
    if message is None or message.deleted:
        raise DiscordError(404, 10008, "Unknown Message")
    return message
