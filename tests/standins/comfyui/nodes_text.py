"""Text nodes of ComfyUI 0.8's core: a string primitive, and PreviewAny, which shows any value as text in history."""
from __future__ import annotations

import json

from .context import NodeContext
from .schema import NodeRun


async def primitive_string(ctx: NodeContext, value):
    return (value,), None


async def preview_any(ctx: NodeContext, source=None):
    """comfy_extras/nodes_preview_any.py: strings as they are, numbers as str, anything else as indented JSON."""
    if isinstance(source, str):
        value = source
    elif isinstance(source, (int, float, bool)):
        value = str(source)
    elif source is None:
        value = "None"
    else:
        try:
            value = json.dumps(source, indent=4)
        except (TypeError, ValueError):
            value = str(source)
    return (), {"text": [value]}


RUNS = [NodeRun("PrimitiveString", primitive_string), NodeRun("PrimitiveStringMultiline", primitive_string),
        NodeRun("PreviewAny", preview_any)]
