"""The stand-in's disk (input/, output/, temp/) and model lists, with ComfyUI's folder_paths rules."""
from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile

DIR_KINDS = ("input", "output", "temp")


class Env:
    """Directories under one base dir plus the model file names each models/ folder offers."""

    def __init__(self, base_dir: str | None, models: dict[str, list[str]], packs: tuple[str, ...] = ()):
        self.owned = base_dir is None
        self.base = os.path.abspath(base_dir) if base_dir else None
        self.models = models
        self.packs = packs  # custom node packs installed (names of packs/*.json)

    def ensure(self) -> None:
        if self.base is None:
            self.base = tempfile.mkdtemp(prefix="comfyui-standin-")
        for kind in DIR_KINDS:
            os.makedirs(self.dir(kind), exist_ok=True)

    def remove_if_owned(self) -> None:
        if self.owned and self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def clear_temp(self) -> None:
        shutil.rmtree(self.dir("temp"), ignore_errors=True)
        os.makedirs(self.dir("temp"))

    def dir(self, kind: str) -> str:
        return os.path.join(self.base, kind)

    def model_dir(self, folder: str) -> str:
        return os.path.join(self.base, "models", folder)

    def model_list(self, folder: str) -> list[str]:
        """The configured names plus files in models/<folder>; LoRAs also in output/loras, as ComfyUI 0.8 adds it."""
        found = set(self.models.get(folder, []))
        places = [self.model_dir(folder)] + ([os.path.join(self.dir("output"), "loras")] if folder == "loras" else [])
        for place in places if self.base else ():
            if os.path.isdir(place):
                found.update(f for f in os.listdir(place) if os.path.isfile(os.path.join(place, f)))
        return sorted(found)

    def input_images(self) -> list[str]:
        """Top-level files of input/ whose type is image/*, like LoadImage's combo."""
        root = self.dir("input")
        names = [f for f in os.listdir(root) if os.path.isfile(os.path.join(root, f))]
        return sorted(f for f in names if (mimetypes.guess_type(f)[0] or "").startswith("image/"))

    def input_subfolders(self) -> list[str]:
        root = self.dir("input")
        folders = []
        for here, _dirs, _files in os.walk(root):
            rel = os.path.relpath(here, root)
            if rel != ".":
                folders.append(rel.replace(os.sep, "/"))
        return sorted(folders)

    def annotated(self, name: str) -> tuple[str, str | None]:
        """Split `"x.png [output]"` into the name and the directory it names."""
        for kind in DIR_KINDS:
            suffix = f"[{kind}]"
            if name.endswith(suffix):
                return name[: -len(suffix) - 1], self.dir(kind)
        return name, None

    def annotated_path(self, name: str) -> str:
        name, base = self.annotated(name)
        return os.path.join(base or self.dir("input"), name)


def save_path(filename_prefix: str, output_dir: str) -> tuple[str, str, int, str]:
    """folder_paths.get_save_image_path: (folder, file stem, next counter, subfolder)."""
    subfolder = os.path.dirname(os.path.normpath(filename_prefix))
    filename = os.path.basename(os.path.normpath(filename_prefix))
    folder = os.path.join(output_dir, subfolder)
    if os.path.commonpath((output_dir, os.path.abspath(folder))) != output_dir:
        raise Exception(
            "**** ERROR: Saving image outside the output folder is not allowed."
            f"\n full_output_folder: {os.path.abspath(folder)}\n         output_dir: {output_dir}"
        )

    def counter_of(existing: str) -> tuple[int, str]:
        prefix = existing[: len(filename) + 1]
        try:
            digits = int(existing[len(filename) + 1:].split("_")[0])
        except ValueError:
            digits = 0
        return digits, prefix

    os.makedirs(folder, exist_ok=True)
    counters = [
        digits for digits, prefix in map(counter_of, os.listdir(folder))
        if os.path.normcase(prefix[:-1]) == os.path.normcase(filename) and prefix[-1:] == "_"
    ]
    return folder, filename, max(counters, default=0) + 1, subfolder
