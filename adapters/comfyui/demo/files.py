"""The demo worker's folders (input/, output/, temp/, models/loras/) under one temporary base, as in ComfyUI."""
from __future__ import annotations

import os
import shutil
import tempfile

KINDS = ("input", "output", "temp")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


class DemoFiles:
    def __init__(self) -> None:
        self.base = ""

    def create(self) -> None:
        self.base = tempfile.mkdtemp(prefix="stationthis-demo-worker-")
        for folder in (*KINDS, os.path.join("models", "loras")):
            os.makedirs(os.path.join(self.base, folder), exist_ok=True)

    def remove(self) -> None:
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = ""

    def dir(self, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown folder type {kind!r}")
        return os.path.join(self.base, kind)

    def models_dir(self, folder: str) -> str:
        return os.path.join(self.base, "models", folder)

    def path(self, kind: str, subfolder: str, filename: str = "") -> str:
        """A file (or folder) inside the folder of `kind`; ValueError for names that would leave it."""
        root = self.dir(kind)
        path = os.path.abspath(os.path.join(root, subfolder or "", filename))
        if os.path.commonpath((root, path)) != root:
            raise ValueError(f"{os.path.join(subfolder, filename)!r} is not inside {kind}/")
        return path

    def annotated_path(self, name: str) -> str:
        """`"x.png [output]"` names a file in output/, a plain name one in input/ (LoadImage's convention)."""
        for kind in KINDS:
            if name.endswith(f" [{kind}]"):
                return self.path(kind, "", name[: -len(kind) - 3])
        return self.path("input", "", name)

    def loras(self) -> list[str]:
        """Delivered LoRAs (models/loras) and trained ones (output/loras), which ComfyUI 0.8 lists too."""
        return sorted({f for place in self._lora_places() for f in os.listdir(place) if f.endswith(".safetensors")})

    def lora_path(self, name: str) -> str:
        for place in self._lora_places():
            if name in os.listdir(place):
                return os.path.join(place, name)
        raise FileNotFoundError(f"Model in folder 'loras' with filename '{name}' not found.")

    def _lora_places(self) -> list[str]:
        places = (self.models_dir("loras"), os.path.join(self.dir("output"), "loras"))
        return [place for place in places if os.path.isdir(place)]

    def input_images(self) -> list[str]:
        root = self.dir("input")
        return sorted(f for f in os.listdir(root) if f.lower().endswith(IMAGE_SUFFIXES))

    def input_folders(self) -> list[str]:
        root = self.dir("input")
        return sorted(os.path.relpath(here, root) for here, _, _ in os.walk(root) if here != root)

    def save_path(self, prefix: str, kind: str) -> tuple[str, str, int, str]:
        """(folder, file stem, next counter, subfolder) for a saver's `prefix`, as folder_paths.get_save_image_path
        counts: one more than the number after `<stem>_` in the names already there."""
        subfolder, stem = os.path.split(os.path.normpath(prefix))
        folder = self.path(kind, subfolder)
        os.makedirs(folder, exist_ok=True)
        numbers = [f[len(stem) + 1:].split("_")[0] for f in os.listdir(folder) if f.startswith(f"{stem}_")]
        return folder, stem, 1 + max((int(n) for n in numbers if n.isdigit()), default=0), subfolder
