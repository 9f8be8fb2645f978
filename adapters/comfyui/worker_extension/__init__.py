"""StationThis worker extension for ComfyUI: copy this folder into ComfyUI/custom_nodes/ (see the README).

It adds no nodes. It lets the station deliver the LoRAs its users trained into this worker's models/loras,
over HTTP, signed with the secret in this worker's COMFYUI_SHARED_SECRET environment variable (the same
value as the station's). It imports only what ComfyUI itself has (aiohttp and its own modules).
"""
import os

try:  # inside ComfyUI
    import folder_paths
    from server import PromptServer
except ImportError:  # imported by the station, for the signature
    PromptServer = None

NODE_CLASS_MAPPINGS: dict = {}
NODE_DISPLAY_NAME_MAPPINGS: dict = {}

if PromptServer is not None and getattr(PromptServer, "instance", None) is not None:
    from .handler import add_routes

    add_routes(PromptServer.instance.routes, lambda folder: folder_paths.get_folder_paths(folder)[0],
               lambda: os.environ.get("COMFYUI_SHARED_SECRET", ""))
