"""The main job: open storage, start every configured platform and the job runner, stop them cleanly."""
from __future__ import annotations

import asyncio
import logging
import signal

from bootstrap.config import Config
from bootstrap.container import Application, build_container
from bootstrap.demo import welcome_demo_user
from bootstrap.heap import settle_heap
from bootstrap.platforms import PLATFORM_TITLES, enabled_platforms
from bootstrap.storage_open import open_storage
from bootstrap.switching import favour_returning_threads
from bootstrap.web import WebPlatform

log = logging.getLogger("stationthis")


class StationApp:
    def __init__(self, config: Config, container: Application | None = None):
        self.config = config
        self.container = container or build_container(config)
        self.platforms: list = []
        self._started: list[str] = []

    async def start(self) -> None:
        """Start everything; if a part fails, stop what had started and raise, the error noting the part."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        infra, use_cases = self.container.infra, self.container.use_cases
        await open_storage(infra.storage(), self.config)
        log.info("storage ready: %s", self.config.storage_kind)
        catalogue = infra.catalogue()
        log.info("templates: %s", ", ".join(t.name for t in catalogue.templates()) or "none")
        # Platforms first: their notifiers are registered before the runner reconciles, so results that
        # finished while we were down reach their chats (each notifier holds notices until its bot is ready).
        for name in enabled_platforms(self.config):
            try:
                platform = await getattr(self.container.platforms, name)()
            except Exception as error:
                error.add_note(f"the {PLATFORM_TITLES[name]} could not start")
                raise
            self._started.append(name)
            self.platforms.append(platform)
            log.info("%s started", platform.title)
        await use_cases.runner().start()
        healthy, urls = len(use_cases.runner().healthy_engines()), self.config.comfyui_urls
        log.info("job runner started: %d of %d ComfyUI workers healthy", healthy, len(urls))
        if not healthy:
            log.warning("no ComfyUI worker answers at %s: start ComfyUI there or list your workers in COMFYUI_URLS "
                        "(README: Operating ComfyUI workers); to try StationThis without one: stationthis run --demo",
                        ", ".join(urls))
        if self.config.demo:
            web = next(p for p in self.platforms if isinstance(p, WebPlatform))
            await welcome_demo_user(use_cases.station(), self.config.web_public_url or web.url)

    async def stop(self) -> None:
        # The runner first: a job that ends after it stops stays unfinished and is delivered at the next start.
        await self.container.use_cases.runner().stop()
        for name, platform in reversed(list(zip(self._started, self.platforms))):
            try:
                await getattr(self.container.platforms, name).shutdown()
                log.info("%s stopped", platform.title)
            except Exception:
                log.exception("stopping %s failed", platform.title)
        self.platforms.clear()
        self._started.clear()
        for engine in self.container.infra.engines():
            await engine.close()
        await self.container.infra.storage().close()
        log.info("stopped cleanly")


async def serve(config: Config) -> None:
    """Run until SIGINT or SIGTERM, then stop everything."""
    app = StationApp(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    settle_heap()
    favour_returning_threads()
    log.info("StationThis is running; press Ctrl+C to stop")
    try:
        await stop.wait()
    finally:
        await app.stop()
