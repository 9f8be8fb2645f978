"""Every setting is checked when the configuration loads; a refusal names the variable and what it allows."""
from __future__ import annotations

import pytest

from bootstrap.config import ConfigError, load_config


def config(tmp_path, **env):
    return load_config(env={"STATIONTHIS_DATA_DIR": str(tmp_path), **env}, dotenv=False)


@pytest.mark.parametrize("env, message", [
    ({"WEB_PORT": "70000"}, "WEB_PORT must be from 0 to 65535, got 70000."),
    ({"WEB_PORT": "http"}, "WEB_PORT must be a whole number, got 'http'."),
    ({"STATIONTHIS_SLOTS_PER_WORKER": "0"}, "STATIONTHIS_SLOTS_PER_WORKER must be from 1 to 16, got 0."),
    ({"STATIONTHIS_MAX_UPLOAD_BYTES": "1e6"}, "STATIONTHIS_MAX_UPLOAD_BYTES must be a whole number"),
    ({"COMFYUI_URLS": " , "}, "COMFYUI_URLS must list at least one http(s) URL"),
    ({"COMFYUI_URLS": "http://a:8188,ftp://b"}, "COMFYUI_URLS: 'ftp://b' is not an http(s) URL."),
    ({"COMFYUI_TIMEOUT": "0"}, "COMFYUI_TIMEOUT must be a positive number of seconds, got '0'."),
    ({"COMFYUI_TIMEOUT": "inf"}, "COMFYUI_TIMEOUT must be a positive number of seconds"),
    ({"STATIONTHIS_PROGRESS_INTERVAL": "nan"}, "STATIONTHIS_PROGRESS_INTERVAL must be a number of seconds"),
    ({"STATIONTHIS_PROGRESS_INTERVAL": "soon"}, "STATIONTHIS_PROGRESS_INTERVAL must be a number of seconds"),
    ({"STATIONTHIS_LOG_LEVEL": "loud"}, "STATIONTHIS_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ({"STATIONTHIS_LOG_FORMAT": "xml"}, "STATIONTHIS_LOG_FORMAT must be one of text, json, got 'xml'."),
    ({"STATIONTHIS_LOG_PROMPTS": "maybe"}, "STATIONTHIS_LOG_PROMPTS must be one of 1, true, yes, on, 0"),
    ({"STATIONTHIS_STORAGE": "sqlite:///"}, "STATIONTHIS_STORAGE must be sqlite:///path/to/file.sqlite3"),
    ({"STATIONTHIS_STORAGE": "postgres://db"}, "STATIONTHIS_STORAGE must be sqlite:///path/to/file.sqlite3"),
    ({"STATIONTHIS_TEMPLATES_DIR": "/no/such/folder"}, "STATIONTHIS_TEMPLATES_DIR: '/no/such/folder' is not a folder."),
    ({"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL: 'api.telegram.org' is not an http(s) URL"),
    ({"DISCORD_API_BASE_URL": "ws://x"}, "DISCORD_API_BASE_URL: 'ws://x' is not an http(s) URL."),
    ({"WEB_PUBLIC_URL": "station.example"}, "WEB_PUBLIC_URL: 'station.example' is not an http(s) URL."),
    ({"TELEGRAM_WEBHOOK_URL": "https://x.example/"}, "TELEGRAM_WEBHOOK_URL must be an https:// URL ending in"),
    ({"DISCORD_GUILD_IDS": "12,abc"}, "DISCORD_GUILD_IDS must be comma-separated numeric ids, got '12,abc'."),
])
def test_a_malformed_setting_is_refused_naming_the_variable_and_what_it_allows(tmp_path, env, message):
    with pytest.raises(ConfigError) as refused:
        config(tmp_path, **env)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("name, token", [("TELEGRAM_BOT_TOKEN", "123456:abc def"),
                                         ("TELEGRAM_BOT_TOKEN", "abcdef-secret"),
                                         ("DISCORD_BOT_TOKEN", "secret with spaces")])
def test_a_token_of_the_wrong_shape_is_refused_without_repeating_it(tmp_path, name, token):
    with pytest.raises(ConfigError, match=f"^{name} does not look like one: expected") as refused:
        config(tmp_path, **{name: token})
    assert token not in str(refused.value) and "secret" not in str(refused.value)


def test_good_values_are_read_with_their_types(tmp_path):
    loaded = config(tmp_path, STATIONTHIS_LOG_LEVEL="debug", STATIONTHIS_LOG_FORMAT="JSON", STATIONTHIS_LOG_PROMPTS="yes",
                    COMFYUI_TIMEOUT="2.5", TELEGRAM_BOT_TOKEN="123456:AA-b_c", DISCORD_GUILD_IDS="1, 2")
    assert (loaded.log_level, loaded.log_format, loaded.log_prompts) == ("DEBUG", "json", True)
    assert loaded.comfyui_timeout == 2.5 and loaded.discord_guild_ids == (1, 2)
    assert config(tmp_path).log_prompts is False and config(tmp_path).log_format == "text"


def test_unknown_stationthis_variables_are_collected_for_a_warning_and_others_ignored(tmp_path):
    loaded = config(tmp_path, STATIONTHIS_DATADIR="x", STATIONTHIS_LOG_LEVLE="DEBUG", STATIONTHIS_ENV_FILE=".env",
                    STATIONTHIS_VENV=".venv", HOME="/root")
    assert loaded.unknown_settings == ("STATIONTHIS_DATADIR", "STATIONTHIS_LOG_LEVLE")
