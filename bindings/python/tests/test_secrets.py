"""Secrets stay out of everything printed: the core's logs at TRACE level (ZKBIOTIME_LOG),
reprs of clients, records and errors, and error texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from typing import Callable

from conftest import PASSWORD, USER, Sandbox

STATIC_TOKEN = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2"
WRONG = "not-the-password-4711"

CHILD = textwrap.dedent(
    """
    import sys, zkbiotime
    url, user, password, token, wrong = sys.argv[1:6]
    c = zkbiotime.Client(url, username=user, password=password)
    emp = c.employees.create(emp_code="S-1", department=1, area=[2], device_password="pin-8642-secret")
    print(repr(c), repr(emp), emp.to_dict(), str(emp))
    print(repr(c.employees.get(1)))
    t = zkbiotime.Client(url, token=token)
    print(repr(t), repr(t.terminals.get(1)))
    bad = zkbiotime.Client(url, username=user, password=wrong)
    for _ in range(2):
        try:
            bad.employees.get(1)
        except zkbiotime.ZKBioTimeError as e:
            print(type(e).__name__, str(e), repr(e), e.detail)
    print("hash-tail", emp.to_dict().get("self_password") is not None)
    """
)


def login_token(url: str) -> str:
    request = urllib.request.Request(
        f"{url}/api-token-auth/",
        data=json.dumps({"username": USER, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        return str(json.load(answer)["token"])


def test_trace_logs_and_reprs_hold_no_secret(fresh: Callable[..., Sandbox]) -> None:
    sandbox = fresh("--static-token", STATIC_TOKEN)
    env = dict(os.environ, ZKBIOTIME_LOG="trace")
    run = subprocess.run(
        [sys.executable, "-c", CHILD, sandbox.url, USER, PASSWORD, STATIC_TOKEN, WRONG],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "TRACE" in output or "DEBUG" in output, "the core's logs were on"
    assert "zkbiotime response" in output
    # The hash the server stored for S-1, read behind the client's back.
    token = login_token(sandbox.url)
    request = urllib.request.Request(
        f"{sandbox.url}/personnel/api/employees/?emp_code=S-1",
        headers={"Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["count"] == 1
    for secret in (PASSWORD, WRONG, STATIC_TOKEN, token, "pin-8642-secret", "pbkdf2_sha256$"):
        assert secret not in output, f"{secret!r} leaked"
