"""`stationthis comfyui extension [--install DIR]`: where the worker extension is, or a copy into a ComfyUI."""
from __future__ import annotations

import shutil
from pathlib import Path

from bootstrap.config import ConfigError

FOLDER_NAME = "stationthis"


async def comfyui_extension(config, args) -> int:
    from adapters.comfyui import worker_extension

    source = Path(worker_extension.__file__).parent
    if not args.install:
        print(source)
        return 0
    custom_nodes = Path(args.install) / "custom_nodes"
    if not custom_nodes.is_dir():
        raise ConfigError(f"{args.install} has no custom_nodes folder; give the folder ComfyUI's main.py is in.")
    target = custom_nodes / FOLDER_NAME
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    print(f"copied the StationThis extension to {target}; restart ComfyUI with COMFYUI_SHARED_SECRET set "
          f"to the station's value")
    return 0


def add_extension_cli(sub) -> None:
    comfyui = sub.add_parser("comfyui", help="ComfyUI worker helpers").add_subparsers(title="comfyui commands")
    extension = comfyui.add_parser("extension", help="print where the worker extension is, or --install it")
    extension.add_argument("--install", metavar="COMFYUI_DIR", help="copy it into COMFYUI_DIR/custom_nodes/")
    extension.set_defaults(handler=comfyui_extension)
