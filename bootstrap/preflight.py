"""Checks before a command touches anything: a usable data folder and, for `run`, a free web address."""
from __future__ import annotations

import os

from adapters.web.server import CannotListen, listening_socket
from bootstrap.config import Config, ConfigError
from ports.space import StorageFull, out_of_space


def check_data_dir(config: Config) -> None:
    """The data folder exists (made if need be) and this user may write there."""
    folder = config.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if out_of_space(error):
            raise StorageFull(f"no room to create STATIONTHIS_DATA_DIR {folder}: free space on its disk.") from None
        raise ConfigError(f"STATIONTHIS_DATA_DIR: cannot create {folder}: {error.strerror or error}.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"STATIONTHIS_DATA_DIR: {folder} is not writable by this user.")


def check_web_address(config: Config) -> None:
    try:
        listening_socket(config.web_host, config.web_port).close()
    except CannotListen as error:
        raise ConfigError(f"{error}. Set WEB_HOST and WEB_PORT to a free address.") from None
