"""The typed vocabulary holds: mypy --strict on the domain and ports, mypy on the rest, ruff's lint and import order."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {
    "mypy --strict on domain and ports": [sys.executable, "-m", "mypy", "--strict", "domain", "ports"],
    "mypy on everything": [sys.executable, "-m", "mypy"],
    "ruff lint and import order": [sys.executable, "-m", "ruff", "check", "."],
}


@pytest.mark.parametrize("name", CHECKS)
def test_the_code_passes_the_static_checks(name):
    result = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=170)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}{result.stderr}"


def test_an_unknown_notice_kind_is_a_type_error_not_a_silent_fallback(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from ports.notifier import Notice\nNotice(kind='typo')\n")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(probe)], cwd=ROOT, capture_output=True,
                            text=True, timeout=170)
    assert result.returncode == 1 and 'incompatible type "str"; expected "NoticeKind"' in result.stdout
