"""The aiohttp application: every route both bare and under /api, plus the informational GETs."""
from __future__ import annotations

import copy
import os

from aiohttp import web

from adapters.comfyui.worker_extension.handler import add_routes

from .catalog import object_info
from .env import Env
from .hub import SERVER_FEATURES, Hub
from .prompt_queue import PromptQueue
from .recorded import recording
from .routes_files import file_routes
from .routes_queue import queue_routes
from .script import Script, Tally, garbage_middleware

MODEL_FOLDERS = ("checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision",
                 "style_models", "embeddings", "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models",
                 "hypernetworks", "photomaker", "classifiers")


def _memory() -> tuple[int, int]:
    page = os.sysconf("SC_PAGE_SIZE")
    return page * os.sysconf("SC_PHYS_PAGES"), page * os.sysconf("SC_AVPHYS_PAGES")


def info_routes(env: Env, script: Script, port: int) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.get("/system_stats")
    async def system_stats(request: web.Request) -> web.Response:
        """The recorded answer, with this machine's memory and this stand-in's command line."""
        stats = copy.deepcopy(recording("system_stats.json"))
        total, free = _memory()
        previews = ["--preview-method", "latent2rgb"] if script.preview_rate is not None else []
        stats["system"].update(ram_total=total, ram_free=free, pytorch_version="none (ComfyUI stand-in)",
                               argv=["main.py", "--cpu", "--listen", "127.0.0.1", "--port", str(port), *previews])
        for device in stats["devices"]:
            device.update(vram_total=total, vram_free=free, torch_vram_total=total, torch_vram_free=free)
        return web.json_response(stats)

    @routes.get("/features")
    async def features(request: web.Request) -> web.Response:
        return web.json_response(dict(SERVER_FEATURES))

    @routes.get("/object_info")
    async def all_object_info(request: web.Request) -> web.Response:
        return web.json_response(object_info(env))

    @routes.get("/object_info/{node_class}")
    async def one_object_info(request: web.Request) -> web.Response:
        return web.json_response(object_info(env, request.match_info["node_class"]))

    @routes.get("/models")
    async def model_folders(request: web.Request) -> web.Response:
        return web.json_response(list(MODEL_FOLDERS))

    @routes.get("/models/{folder}")
    async def models(request: web.Request) -> web.Response:
        folder = request.match_info["folder"]
        if folder not in MODEL_FOLDERS:
            return web.Response(status=404)
        return web.json_response(env.model_list(folder))

    @routes.get("/embeddings")
    async def embeddings(request: web.Request) -> web.Response:
        return web.json_response([os.path.splitext(name)[0] for name in env.model_list("embeddings")])

    return routes


def build_app(state: PromptQueue, hub: Hub, env: Env, script: Script, tally: Tally, port: int) -> web.Application:
    app = web.Application(client_max_size=SERVER_FEATURES["max_upload_size"], middlewares=[garbage_middleware(script)])
    routes = [web.get("/ws", hub.handle), *info_routes(env, script, port), *queue_routes(state, env, script, tally),
              *file_routes(env, tally)]
    if script.extension_secret is not None:  # the StationThis worker extension, installed in custom_nodes
        extension = web.RouteTableDef()
        add_routes(extension, env.model_dir, lambda: script.extension_secret or "")
        routes += list(extension)
    app.add_routes([web.route(r.method, "/api" + r.path, r.handler, **r.kwargs) for r in routes])
    app.add_routes(routes)
    return app
