"""The operator's side of `stationthis` as a real process: one clear line per failure, quiet logs, --version."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))
ROOT = Path(__file__).resolve().parents[2]


def environment(tmp_path, **extra) -> dict:
    return {**os.environ, "STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": "http://127.0.0.1:9",
            "WEB_PORT": "0", **extra}


def cli(tmp_path, *args, **env):
    return subprocess.run([STATIONTHIS, *args], cwd=tmp_path, env=environment(tmp_path, **env),
                          capture_output=True, text=True, timeout=60)


def one_error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_version_prints_the_installed_version():
    result = subprocess.run([STATIONTHIS, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"stationthis {version('stationthis')}"


@pytest.mark.parametrize("args, named", [
    (("points", "grant", "alice", "10"), "argument identity: 'alice' is not an identity"),
    (("points", "grant", "web:alice", "ten"), "argument amount: invalid int value: 'ten'"),
    (("web", "create-user", "al ice"), "argument name: 'al ice' cannot be a name"),
    (("web", "token", "create", "matrix:1"), "argument identity: 'matrix:1' is not an identity"),
    (("backup",), "the following arguments are required: DEST"),
    (("paint",), "invalid choice: 'paint'"),
])
def test_a_malformed_command_gets_one_line_naming_the_argument_and_exit_2(tmp_path, args, named):
    result = cli(tmp_path, *args)
    line = one_error_line(result)
    assert result.returncode == 2 and named in line and "--help" in line
    assert result.stderr.count("\n") == 1 and not (tmp_path / "var").exists()


@pytest.mark.parametrize("env, named", [
    ({"WEB_PORT": "eighty"}, "WEB_PORT must be a whole number"),
    ({"COMFYUI_URLS": "127.0.0.1:8188"}, "COMFYUI_URLS: '127.0.0.1:8188' is not an http(s) URL"),
    ({"STATIONTHIS_LOG_FORMAT": "xml"}, "STATIONTHIS_LOG_FORMAT must be one of text, json"),
    ({"TELEGRAM_BOT_TOKEN": "123456 SECRET"}, "TELEGRAM_BOT_TOKEN does not look like one"),
])
def test_a_bad_setting_stops_run_before_anything_starts_with_one_line_naming_it(tmp_path, env, named):
    result = cli(tmp_path, "run", **env)
    assert result.returncode == 1 and named in one_error_line(result)
    assert "SECRET" not in result.stderr and result.stdout == "" and not (tmp_path / "var").exists()


def test_an_unusable_data_folder_is_named_in_one_line(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = cli(tmp_path, "points", "show", "web:alice", STATIONTHIS_DATA_DIR=str(tmp_path / "a-file" / "var"))
    assert result.returncode == 1
    assert one_error_line(result).startswith(f"error: STATIONTHIS_DATA_DIR: cannot create {tmp_path / 'a-file'}")


def test_a_taken_port_stops_run_at_once_with_one_line_and_nothing_started(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = cli(tmp_path, "run", WEB_PORT=str(port), STATIONTHIS_LOG_LEVEL="DEBUG")
    assert result.returncode == 1 and result.stdout == ""
    assert one_error_line(result) == (f"error: the web interface cannot listen on 127.0.0.1:{port}: Address already "
                                      "in use. Set WEB_HOST and WEB_PORT to a free address.")
    assert result.stderr.count("\n") == 1 and not list((tmp_path / "var").glob("*.sqlite3"))


def test_a_platform_that_cannot_start_stops_everything_and_says_which_in_one_line(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/bot"
    settings = {"TELEGRAM_BOT_TOKEN": "123456:SECRET-token", "TELEGRAM_API_BASE_URL": dead}
    result = cli(tmp_path, "run", **settings)
    assert result.returncode == 1
    assert one_error_line(result).startswith("error: the Telegram bot could not start: ")
    assert "web interface at" in result.stderr and result.stderr.rstrip().splitlines()[-2].endswith("stopped cleanly")
    traced = cli(tmp_path, "run", **settings, STATIONTHIS_LOG_LEVEL="DEBUG")
    assert traced.returncode == 1 and "Traceback" in traced.stderr
    assert "SECRET" not in result.stderr + result.stdout + traced.stderr + traced.stdout


def test_a_store_that_is_not_a_database_is_named_in_one_line(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "stationthis.sqlite3").write_text("this is not a database")
    result = cli(tmp_path, "ledger", "verify")
    assert result.returncode == 1 and "STATIONTHIS_STORAGE (sqlite) could not be opened" in one_error_line(result)


@pytest.fixture
def comfyui(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "tests.standins.comfyui", "--port", str(port),
                                "--base-dir", str(tmp_path / "comfy"), "--upscale-model", "RealESRGAN_x4plus.pth"],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)  # every shipped tool can run there
    process.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def run_until_running(tmp_path, **env) -> str:
    """Start `stationthis run`, wait until it says it runs, stop it with SIGTERM; everything it logged."""
    process = subprocess.Popen([STATIONTHIS, "run"], cwd=tmp_path, env=environment(tmp_path, **env),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen, deadline = [], time.monotonic() + 30
        while time.monotonic() < deadline and not any("is running" in line for line in seen):
            if not (line := process.stdout.readline()):
                break
            seen.append(line)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, "".join(seen)
        return "".join(seen) + process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_at_info_the_log_has_no_http_client_chatter_and_at_debug_it_does(tmp_path, comfyui):
    quiet = run_until_running(tmp_path, COMFYUI_URLS=comfyui)
    assert "is running" in quiet and "1 of 1 ComfyUI workers healthy" in quiet
    assert "http request" not in quiet.lower() and "system_stats" not in quiet
    chatty = run_until_running(tmp_path, COMFYUI_URLS=comfyui, STATIONTHIS_LOG_LEVEL="DEBUG")
    assert any("DEBUG adapters.comfyui.http: HTTP request: GET" in line and "/system_stats" in line
               for line in chatty.splitlines())


def test_json_logs_are_one_object_per_line_with_time_level_logger_and_message(tmp_path, comfyui):
    output = run_until_running(tmp_path, COMFYUI_URLS=comfyui, STATIONTHIS_LOG_FORMAT="json")
    records = [json.loads(line) for line in output.splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    assert any(r["message"] == "StationThis is running; press Ctrl+C to stop" and r["level"] == "INFO" for r in records)
    assert records[-1]["message"] == "stopped cleanly"


def test_doctor_prints_its_verdicts_without_http_client_lines(tmp_path, comfyui):
    result = cli(tmp_path, "doctor", COMFYUI_URLS=comfyui)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "http request" not in (result.stdout + result.stderr).lower()
    assert any(line.startswith("ok") and comfyui in line for line in result.stdout.splitlines())


def test_a_misspelt_setting_is_named_in_a_warning(tmp_path):
    result = cli(tmp_path, "points", "show", "web:alice", STATIONTHIS_DATADIR="/tmp/elsewhere")
    assert result.returncode == 0
    assert "WARNING stationthis: STATIONTHIS_DATADIR is not a setting of StationThis" in result.stderr
