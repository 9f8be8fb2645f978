"""The real `stationthis` command, run as a process on a temporary data dir."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

STATIONTHIS = str(Path(sys.executable).with_name("stationthis"))


def cli(tmp_path, *args, env=None, timeout=60):
    full_env = {**os.environ, "STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": "http://127.0.0.1:9",
                "WEB_PORT": "0", **(env or {})}
    return subprocess.run([STATIONTHIS, *args], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def test_granting_points_creates_the_identity_and_show_prints_the_bare_balance(tmp_path):
    granted = cli(tmp_path, "points", "grant", "telegram:42", "150", "--reason", "welcome")
    assert granted.returncode == 0, granted.stderr
    assert "balance 150" in granted.stdout
    cli(tmp_path, "points", "grant", "telegram:42", "25")
    shown = cli(tmp_path, "points", "show", "telegram:42")
    assert shown.returncode == 0 and shown.stdout.strip().splitlines()[-1] == "175"


def test_showing_an_unknown_identity_prints_zero(tmp_path):
    assert cli(tmp_path, "points", "show", "web:nobody").stdout.strip().splitlines()[-1] == "0"


@pytest.mark.parametrize("args, message", [
    (("points", "grant", "alice", "10"), "is not an identity"),
    (("points", "grant", "web:alice", "-5"), "positive whole number"),
])
def test_bad_cli_input_gets_a_clear_message_and_a_non_zero_exit(tmp_path, args, message):
    result = cli(tmp_path, *args)
    assert result.returncode != 0 and message in result.stderr


def test_ledger_verify_passes_then_reports_a_tampered_balance(tmp_path):
    cli(tmp_path, "points", "grant", "web:alice", "100")
    ok = cli(tmp_path, "ledger", "verify")
    assert ok.returncode == 0 and ok.stdout.strip().splitlines()[-1].startswith("ledger ok")
    database = next((tmp_path / "var").glob("*.sqlite3"))
    with sqlite3.connect(database) as connection:
        table = next(name for (name,) in connection.execute("select name from sqlite_master where type='table'")
                     if "account" in name)
        connection.execute(f"update {table} set balance = balance + 7")
    bad = cli(tmp_path, "ledger", "verify")
    assert bad.returncode != 0 and "MISMATCH" in bad.stdout and "stored balance 107" in bad.stdout


def test_templates_list_prints_one_line_per_template_with_kind_and_price(tmp_path):
    result = cli(tmp_path, "templates", "list")
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0
    names = {line.split()[0] for line in lines}
    assert {"txt2img", "img2img", "upscale", "upscale_simple", "train_lora"} <= names
    assert all("points" in line for line in lines)


def test_templates_check_passes_for_the_shipped_templates(tmp_path):
    result = cli(tmp_path, "templates", "check")
    assert result.returncode == 0 and "0 problems" in result.stdout


def test_templates_check_names_each_problem_in_an_operator_template(tmp_path):
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "broken.json").write_text('{"1": {"class_type": "SaveImage", "inputs": {"images": ["2", 0]}}}')
    (extra / "broken.toml").write_text('title = "Broken"\noutputs = ["1", "7"]\n[[params]]\nname = "prompt"\n'
                                       'type = "text"\ntargets = [["5", "text"]]\n')
    result = cli(tmp_path, "templates", "check", env={"STATIONTHIS_TEMPLATES_DIR": str(extra)})
    assert result.returncode != 0
    assert "targets node 5" in result.stderr and "output node 7" in result.stderr


def test_doctor_reports_storage_ok_and_an_unreachable_worker_as_fail(tmp_path):
    result = cli(tmp_path, "doctor")
    assert result.returncode == 1
    assert any(line.startswith("ok") and "storage" in line for line in result.stdout.splitlines())
    assert any(line.startswith("FAIL") and "comfyui http://127.0.0.1:9" in line for line in result.stdout.splitlines())


def test_doctor_says_which_tools_each_worker_can_run_and_fails_when_no_worker_can_run_one(tmp_path):
    full, _ = _standin(tmp_path / "a", "--upscale-model", "RealESRGAN_x4plus.pth", "--pack", "florence2",
                       "--pack", "searge_llm")
    lacking, _ = _standin(tmp_path / "b", "--checkpoint", "other.safetensors")
    urls = [f"http://127.0.0.1:{port}" for port in (full.port, lacking.port)]
    try:
        both = cli(tmp_path, "doctor", env={"COMFYUI_URLS": ",".join(urls)})
        alone = cli(tmp_path, "doctor", env={"COMFYUI_URLS": urls[1]})
    finally:
        for process in (full, lacking):
            process.terminate()
            process.wait()
    assert f"ok   comfyui {urls[0]} tools: can run animate, assist, caption, describe, img2img, train_lora, txt2img, " \
           "upscale, upscale_simple" in both.stdout
    assert f"warn comfyui {urls[1]} tools: can run animate, upscale_simple" in both.stdout
    assert f"warn comfyui {urls[1]} tools: txt2img: needs checkpoint 'sd15.safetensors', which this worker lacks" \
        in both.stdout
    assert "ok   tools: each of the 9 tools can run on at least one worker" in both.stdout and both.returncode == 0
    assert "FAIL tools: no worker can run img2img, train_lora, txt2img, upscale" in alone.stdout
    assert alone.returncode == 1


def test_doctor_warns_of_example_templates_waiting_for_a_custom_node_pack_without_failing(tmp_path):
    process, url = _standin(tmp_path, "--upscale-model", "RealESRGAN_x4plus.pth")
    try:
        result = cli(tmp_path, "doctor", env={"COMFYUI_URLS": url})
    finally:
        process.terminate()
        process.wait()
    assert f"warn comfyui {url} tools: describe: cannot run on this ComfyUI: needs the custom node pack " \
           "ComfyUI-Florence2 on the worker" in result.stdout
    assert "warn tools: assist, caption, describe: no worker has the custom node packs they need yet" in result.stdout
    assert "FAIL" not in result.stdout and result.returncode == 0


def test_doctor_says_whether_trained_loras_can_reach_each_worker(tmp_path):
    result, (url_with, url_without) = _doctor_with(tmp_path, ("--extension-secret", "s3cret"), (),
                                                   COMFYUI_SHARED_SECRET="s3cret")
    assert f"ok   comfyui {url_with} extension: trained LoRAs can be delivered to it" in result.stdout
    assert f"warn comfyui {url_without} extension: trained LoRAs cannot be delivered to it: ComfyUI at " \
           f"{url_without} has no StationThis extension in custom_nodes" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


def test_doctor_says_which_workers_send_previews(tmp_path):
    result, (url_sending, url_silent) = _doctor_with(tmp_path, ("--preview-rate", "10"), ())
    assert f"ok   comfyui {url_sending} previews: it sends a picture of each step; users see it form" in result.stdout
    assert f"warn comfyui {url_silent} previews: it sends none: start ComfyUI with --preview-method latent2rgb " \
           "(or auto) to show pictures forming" in result.stdout


def _doctor_with(tmp_path, *workers: tuple[str, ...], **env: str):
    """`stationthis doctor` against stand-in workers started with these arguments; its result and their URLs."""
    started = [_standin(tmp_path / f"worker{n}", *args) for n, args in enumerate(workers)]
    try:
        return cli(tmp_path, "doctor", env={"COMFYUI_URLS": ",".join(url for _, url in started), **env}), \
            [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait()


def test_the_extension_command_prints_its_folder_and_installs_it_into_a_comfyui(tmp_path):
    (tmp_path / "ComfyUI" / "custom_nodes").mkdir(parents=True)
    where = cli(tmp_path, "comfyui", "extension")
    installed = cli(tmp_path, "comfyui", "extension", "--install", str(tmp_path / "ComfyUI"))
    wrong = cli(tmp_path, "comfyui", "extension", "--install", str(tmp_path))
    assert Path(where.stdout.strip(), "handler.py").is_file()
    assert installed.returncode == 0
    assert sorted(p.name for p in (tmp_path / "ComfyUI" / "custom_nodes" / "stationthis").iterdir()) == \
        ["__init__.py", "handler.py", "signing.py"]
    assert wrong.returncode == 1 and "no custom_nodes folder" in wrong.stderr


def test_doctor_never_prints_a_token(tmp_path):
    secret = "123456:SECRET-token-value"
    result = cli(tmp_path, "doctor", env={"TELEGRAM_BOT_TOKEN": secret, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"})
    assert "telegram token" in result.stdout and secret not in result.stdout + result.stderr


def test_run_starts_stays_up_and_stops_cleanly_on_sigterm(tmp_path):
    env = {**os.environ, "STATIONTHIS_DATA_DIR": str(tmp_path / "var"), "COMFYUI_URLS": "http://127.0.0.1:9",
           "WEB_PORT": "0", "STATIONTHIS_LOG_LEVEL": "INFO"}
    process = subprocess.Popen([STATIONTHIS, "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = ""
        deadline = time.monotonic() + 30
        while "is running" not in seen and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen += line
        assert "is running" in seen, seen
        time.sleep(0.5)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "stopped cleanly" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_an_unreachable_mongodb_fails_fast_with_a_clear_message_and_no_password(tmp_path):
    env = {"STATIONTHIS_STORAGE": "mongodb://user:secret@127.0.0.1:1/station"}
    started = time.monotonic()
    result = cli(tmp_path, "points", "show", "web:alice", env=env)
    assert result.returncode == 1 and time.monotonic() - started < 30
    assert "STATIONTHIS_STORAGE (mongodb) could not be opened" in result.stderr and "127.0.0.1" in result.stderr
    assert "secret" not in result.stderr + result.stdout and "Traceback" not in result.stderr
    doctor = cli(tmp_path, "doctor", env=env)
    assert "FAIL storage" in doctor.stdout and "secret" not in doctor.stdout


def test_a_malformed_storage_url_is_refused_with_what_is_allowed(tmp_path):
    result = cli(tmp_path, "ledger", "verify", env={"STATIONTHIS_STORAGE": "postgres://x"})
    assert result.returncode == 1 and "sqlite:///" in result.stderr and "mongodb://" in result.stderr


def _standin(base, *args):
    import socket as sockets

    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "tests.standins.comfyui", "--port", str(port),
                                "--base-dir", str(base / "comfy"), *args],
                               cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    process.stdout.readline()
    process.port = port
    return process, f"http://127.0.0.1:{port}"


def test_templates_check_against_a_worker_that_has_every_model_passes(tmp_path):
    process, url = _standin(tmp_path, "--upscale-model", "RealESRGAN_x4plus.pth", "--pack", "florence2",
                            "--pack", "searge_llm")
    try:
        result = cli(tmp_path, "templates", "check", "--against", url)
        assert result.returncode == 0, result.stderr
        assert f"9 templates checked against {url} (ComfyUI 0.8.0): 0 cannot run on this ComfyUI, " \
               "0 need models this worker lacks, 0 problems" in result.stdout
    finally:
        process.terminate()
        process.wait()


def test_templates_check_against_a_worker_names_each_missing_model(tmp_path):
    process, url = _standin(tmp_path, "--checkpoint", "other.safetensors", "--upscale-model", "4x.pth")
    try:
        result = cli(tmp_path, "templates", "check", "--against", url)
        one = cli(tmp_path, "templates", "check", "upscale", "--against", url)
        assert result.returncode == 1
        assert "txt2img: needs checkpoint 'sd15.safetensors', which this worker lacks (allowed: other.safetensors)" \
            in result.stderr
        assert "upscale: needs model 'RealESRGAN_x4plus.pth', which this worker lacks" in result.stderr
        assert "3 cannot run on this ComfyUI, 4 need models this worker lacks" in result.stdout
        assert "describe: cannot run on ComfyUI 0.8.0: needs the custom node pack ComfyUI-Florence2 on the worker " \
               "(https://github.com/kijai/ComfyUI-Florence2)" in result.stderr
        assert "assist: cannot run on ComfyUI 0.8.0: needs the custom node pack ComfyUI_Searge_LLM" in result.stderr
        assert "Florence2Run' (a missing custom node?)" not in result.stderr  # the pack is named instead
        assert one.returncode == 1 and one.stdout.startswith("1 templates checked") and "txt2img" not in one.stderr
    finally:
        process.terminate()
        process.wait()


def test_templates_check_names_an_old_template_that_cannot_run_with_the_renamed_nodes(tmp_path):
    operator = tmp_path / "mine"
    operator.mkdir()
    old = json.loads((Path(__file__).resolve().parents[1] / "standins" / "comfyui" / "recordings" / "rejected"
                      / "old_train_lora.json").read_text())["graph"]
    (operator / "old_train.json").write_text(json.dumps(old))
    (operator / "old_train.toml").write_text('kind = "training"\noutputs = ["5"]\n')
    process, url = _standin(tmp_path, "--checkpoint", "st_random_sd15.safetensors")
    try:
        result = cli(tmp_path, "templates", "check", "old_train", "--against", url,
                     env={"STATIONTHIS_TEMPLATES_DIR": str(operator)})
    finally:
        process.terminate()
        process.wait()
    assert result.returncode == 1
    assert "old_train: cannot run on ComfyUI 0.8.0: node 2: this ComfyUI has no node type " \
           "'LoadImageTextSetFromFolderNode'; it was renamed to 'LoadImageTextDataSetFromFolder'" in result.stderr
    assert "it was renamed to 'SaveLoRA'" in result.stderr
    assert "the required input 'bucket_mode' is missing" in result.stderr


def test_templates_check_against_an_address_where_nothing_listens_says_so_in_one_line(tmp_path):
    result = cli(tmp_path, "templates", "check", "--against", "http://127.0.0.1:9")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [text for text in result.stderr.splitlines() if text.startswith("error:")]
    assert "http://127.0.0.1:9" in line and "did not answer" in line
