"""Every node type the stand-in knows, and the /object_info answer built from them."""
from __future__ import annotations

from .env import Env
from .nodes_dataset import SPECS as DATASET_SPECS
from .nodes_image import SPECS as IMAGE_SPECS
from .nodes_sampling import SPECS as SAMPLING_SPECS
from .nodes_train import SPECS as TRAIN_SPECS
from .schema import NodeSpec

CATALOG: dict[str, NodeSpec] = {
    spec.name: spec for spec in (*SAMPLING_SPECS, *IMAGE_SPECS, *DATASET_SPECS, *TRAIN_SPECS)
}


def object_info(env: Env, class_type: str | None = None) -> dict:
    """GET /object_info (all classes) or /object_info/{class} (that one, or {} when unknown)."""
    names = CATALOG if class_type is None else [class_type] if class_type in CATALOG else []
    return {name: CATALOG[name].info(env) for name in names}
