"""Open the configured store or fail fast with one clear line."""
from bootstrap.config import ConfigError
from ports.space import StorageFull


async def open_storage(storage, config) -> None:
    try:
        await storage.open()
    except StorageFull:
        raise
    except Exception as error:  # each adapter has its own errors; all mean the same thing here
        raise ConfigError(f"STATIONTHIS_STORAGE ({config.storage_kind}) could not be opened: {error}") from None
