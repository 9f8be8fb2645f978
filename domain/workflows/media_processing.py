"""Media processing: check and keep an image a user sent, for the image-taking tools to work on."""
from __future__ import annotations

from domain.blobs import BlobKey
from ports.blobs import BlobStore
from ports.clock import Ids
from ports.media import MediaProcessor


class MediaProcessing:
    def __init__(self, blobs: BlobStore, media: MediaProcessor, ids: Ids):
        self.blobs, self.media, self.ids = blobs, media, ids

    async def store_input(self, user_id: str, data: bytes) -> str:
        """Check and clean an incoming image (raises MediaRejected) and keep it for the user's jobs."""
        clean = self.media.clean(data)
        key = BlobKey.input(user_id, self.ids.new_id(), clean.extension)
        await self.blobs.put(str(key), clean.data, key.content_type)
        return str(key)
