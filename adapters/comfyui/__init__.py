"""ComfyUI adapter: the ImageEngine port over ComfyUI's HTTP and WebSocket API."""
from adapters.comfyui.engine import ComfyUIEngine

__all__ = ["ComfyUIEngine"]
