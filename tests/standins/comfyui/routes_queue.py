"""POST/GET /prompt, /queue, /history, /interrupt and /free, as ComfyUI's server.py answers them."""
from __future__ import annotations

import json
import uuid

from aiohttp import web

from .env import Env
from .prompt_queue import PromptQueue
from .script import Script, Tally
from .validate import validate_prompt


def queue_routes(state: PromptQueue, env: Env, script: Script, tally: Tally) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.post("/prompt")
    async def post_prompt(request: web.Request) -> web.Response:
        json_data = await request.json()  # malformed JSON -> aiohttp's plain-text 500, like ComfyUI
        tally.saw_prompt(json_data)
        scripted = script.take_submit_failure()
        if scripted is not None:
            return web.json_response(scripted, status=400)
        if "number" in json_data:
            number = float(json_data["number"])
        else:
            number = -state.number if json_data.get("front") else state.number
            state.number += 1
        if "prompt" not in json_data:
            error = {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                     "extra_info": {}}
            return web.json_response({"error": error, "node_errors": {}}, status=400)
        prompt = json_data["prompt"]
        prompt_id = str(json_data.get("prompt_id", uuid.uuid4()))
        ok, error, outputs, node_errors = validate_prompt(env, prompt, json_data.get("partial_execution_targets"))
        extra_data = json_data.get("extra_data", {})
        if "client_id" in json_data:
            extra_data["client_id"] = json_data["client_id"]
        if not ok:
            return web.json_response({"error": error, "node_errors": node_errors}, status=400)
        state.put((number, prompt_id, prompt, extra_data, outputs))
        return web.json_response({"prompt_id": prompt_id, "number": number, "node_errors": node_errors})

    @routes.get("/prompt")
    async def get_prompt(request: web.Request) -> web.Response:
        return web.json_response(state.info())

    @routes.get("/queue")
    async def get_queue(request: web.Request) -> web.Response:
        running, pending = state.current()
        return web.json_response({"queue_running": running, "queue_pending": pending})

    @routes.post("/queue")
    async def post_queue(request: web.Request) -> web.Response:
        json_data = await request.json()
        if json_data.get("clear"):
            state.wipe_queue()
        for prompt_id in json_data.get("delete", []):
            state.delete_queue_item(prompt_id)
        return web.Response(status=200)

    @routes.get("/history")
    async def get_history(request: web.Request) -> web.Response:
        query = request.rel_url.query
        max_items = int(query["max_items"]) if "max_items" in query else None
        offset = int(query["offset"]) if "offset" in query else -1
        return web.json_response(state.get_history(max_items=max_items, offset=offset))

    @routes.get("/history/{prompt_id}")
    async def get_history_entry(request: web.Request) -> web.Response:
        return web.json_response(state.get_history(prompt_id=request.match_info["prompt_id"]))

    @routes.post("/history")
    async def post_history(request: web.Request) -> web.Response:
        json_data = await request.json()
        if json_data.get("clear"):
            state.history.clear()
        for prompt_id in json_data.get("delete", []):
            state.history.pop(prompt_id, None)
        return web.Response(status=200)

    @routes.post("/interrupt")
    async def post_interrupt(request: web.Request) -> web.Response:
        try:
            json_data = await request.json()
        except json.JSONDecodeError:
            json_data = {}
        state.interrupt(json_data.get("prompt_id"))
        return web.Response(status=200)

    @routes.post("/free")
    async def post_free(request: web.Request) -> web.Response:
        await request.json()
        return web.Response(status=200)

    return routes
