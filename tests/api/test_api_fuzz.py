"""Schemathesis throws generated requests at every api operation: none may answer 5xx."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Person, report
from tests.stack import Stack

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def test_no_generated_request_makes_the_api_fail(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    supporter = make_supporter("Fuzz")
    result = subprocess.run(
        [
            str(SCHEMATHESIS), "run", f"{stack.api}/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", "25",
            "--seed", "20261125",
            "--request-timeout", "20",
            "--exclude-path", "/api/auth/logout",  # would end the session the fuzzer uses
            "--header", f"Authorization: Bearer {supporter.token}",
            "--header", "X-Forwarded-For: 192.0.2.250",  # failed sign-ins counted apart
            "--no-color",
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    summary = [line for line in result.stdout.splitlines() if "passed" in line or "failed" in line]
    report("schemathesis: " + (summary[-1].strip(" =") if summary else "no summary"))
    assert result.returncode == 0, result.stdout[-4000:]
