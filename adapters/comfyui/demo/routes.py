"""The demo worker's HTTP routes: the part of ComfyUI's API the station's engine client uses, answered the same way."""
from __future__ import annotations

import mimetypes
import os
import platform
import uuid
from typing import Any

from aiohttp import web

from adapters.comfyui.demo.catalog import NODES, object_info
from adapters.comfyui.demo.files import KINDS, DemoFiles
from adapters.comfyui.demo.prompts import PromptQueue
from adapters.comfyui.demo.sockets import Sockets

VERSION = "0.8.0 (StationThis demo worker)"


def demo_routes(queue: PromptQueue, sockets: Sockets, files: DemoFiles) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.get("/system_stats")
    async def system_stats(request: web.Request) -> web.Response:
        return web.json_response({
            "system": {"os": os.name, "comfyui_version": VERSION, "python_version": platform.python_version(),
                       "embedded_python": False, "argv": ["stationthis", "run", "--demo"]},
            "devices": [{"name": "demo (draws with Pillow, no model)", "type": "cpu", "index": None}]})

    @routes.get("/object_info")
    async def nodes(request: web.Request) -> web.Response:
        return web.json_response(object_info(files))

    @routes.post("/prompt")
    async def post_prompt(request: web.Request) -> web.Response:
        body = await request.json()
        refusal = _refusal(body.get("prompt"))
        if refusal is not None:
            return web.json_response({"error": refusal, "node_errors": {}}, status=400)
        graph, prompt_id = body["prompt"], str(body.get("prompt_id") or uuid.uuid4())
        extra = {**body.get("extra_data", {}), **({"client_id": body["client_id"]} if "client_id" in body else {})}
        outputs = [n for n, node in graph.items() if NODES[node["class_type"]].output_node]
        number = queue.put(prompt_id, graph, extra, outputs)
        return web.json_response({"prompt_id": prompt_id, "number": number, "node_errors": {}})

    @routes.get("/queue")
    async def get_queue(request: web.Request) -> web.Response:
        return web.json_response(queue.lists())

    @routes.post("/queue")
    async def post_queue(request: web.Request) -> web.Response:
        queue.delete([str(i) for i in (await request.json()).get("delete", [])])
        return web.Response()

    @routes.post("/interrupt")
    async def interrupt(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        queue.interrupt(body.get("prompt_id"))
        return web.Response()

    @routes.get("/history/{prompt_id}")
    async def history(request: web.Request) -> web.Response:
        prompt_id = request.match_info["prompt_id"]
        return web.json_response({prompt_id: queue.history[prompt_id]} if prompt_id in queue.history else {})

    @routes.get("/view")
    async def view(request: web.Request) -> web.StreamResponse:
        query = request.query
        try:
            path = files.path(query.get("type", "output"), query.get("subfolder", ""), query["filename"])
        except (KeyError, ValueError):
            return web.Response(status=400)
        if not os.path.isfile(path):
            return web.Response(status=404)
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.FileResponse(path, headers={"Content-Type": kind})

    @routes.post("/upload/image")
    async def upload(request: web.Request) -> web.Response:
        form = await request.post()
        image, kind, subfolder = form.get("image"), str(form.get("type") or "input"), str(form.get("subfolder", ""))
        if not isinstance(image, web.FileField) or not image.filename or kind not in KINDS:
            return web.Response(status=400)
        try:
            path = files.path(kind, subfolder, os.path.basename(image.filename))
        except ValueError:
            return web.Response(status=400)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(image.file.read())
        return web.json_response({"name": os.path.basename(path), "subfolder": subfolder, "type": kind})

    routes.get("/ws")(sockets.handle)
    return routes


def _refusal(graph: Any) -> dict[str, Any] | None:
    """ComfyUI's 400 answers for what the demo cannot run: no prompt, a node type it lacks, no output node."""
    def error(kind: str, message: str, details: str = "") -> dict[str, Any]:
        return {"type": kind, "message": message, "details": details, "extra_info": {}}
    if not isinstance(graph, dict):
        return error("no_prompt", "No prompt provided", "No prompt provided")
    for node_id, node in graph.items():
        if not isinstance(node, dict) or node.get("class_type") not in NODES:
            kind = node.get("class_type") if isinstance(node, dict) else None
            return error("invalid_prompt", f"Cannot execute because node {kind} does not exist.",
                         f"Node ID '#{node_id}'")
    if not any(NODES[node["class_type"]].output_node for node in graph.values()):
        return error("prompt_no_outputs", "Prompt has no outputs")
    return None
