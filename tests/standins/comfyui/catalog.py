"""The node types the stand-in can execute; what every node type declares comes from the recording."""
from __future__ import annotations

from .nodes_animation import RUNS as ANIMATION_RUNS
from .nodes_dataset import RUNS as DATASET_RUNS
from .nodes_image import RUNS as IMAGE_RUNS
from .nodes_packs import RUNS as PACK_RUNS
from .nodes_sampling import RUNS as SAMPLING_RUNS
from .nodes_text import RUNS as TEXT_RUNS
from .nodes_train import RUNS as TRAIN_RUNS
from .recorded import LiveInfo, object_info
from .schema import NodeRun

RUNNABLE: dict[str, NodeRun] = {run.name: run for run in (*SAMPLING_RUNS, *IMAGE_RUNS, *DATASET_RUNS, *TRAIN_RUNS,
                                                          *ANIMATION_RUNS, *TEXT_RUNS, *PACK_RUNS)}

__all__ = ["RUNNABLE", "LiveInfo", "object_info"]
