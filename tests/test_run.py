"""`customer-chat run`: everything starts, the logins printed work, Ctrl-C stops it all."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bridge.xmpp_server.config import layout_for
from bridge.xmpp_server.control import Ejabberd
from tests.conftest import skip_or_fail
from tests.stack import ROOT, ejabberd_missing_reason, settings_from, stack_env


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("run did not get ready:\n" + "".join(seen[-30:]))


def test_run_prints_working_logins_and_stops_on_ctrl_c() -> None:
    reason = ejabberd_missing_reason()
    if reason:
        skip_or_fail(reason)
    data_dir = Path(tempfile.mkdtemp(prefix="customer-chat-run-"))
    env = stack_env(data_dir, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "run"],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _read_until(process, "Press Ctrl-C to stop.", timeout=120)
        settings = settings_from(env)
        login = re.search(r"Console login:\s+(\S+) / (\S+)", output)
        assert login, output
        assert f"JID sam@{settings.xmpp_domain}" in output
        assert f"port {settings.xmpp_port}" in output
        assert "Reply suggestions: a model is being trained on the demo archive" in output
        answer = httpx.post(
            f"{settings.api_url}/api/auth/login", json={"email": login[1], "password": login[2]}
        )
        assert answer.status_code == 200
        assert httpx.get(f"{settings.api_url}/readyz").status_code == 200

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=90) == 0
        assert not Ejabberd(settings, layout_for(settings)).is_running()
        assert (data_dir / "logs" / "run.log").exists()
    finally:
        if process.poll() is None:
            process.kill()
        if process.stdout:
            process.stdout.close()
        shutil.rmtree(data_dir, ignore_errors=True)
