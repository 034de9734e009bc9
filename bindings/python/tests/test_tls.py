"""HTTPS: `verify=` as True (system roots), a CA bundle path, or False."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import zkbiotime


def make_certs(d: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it (openssl CLI)."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=zkbiotime test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return d / "ca.pem", d / "server.pem", d / "server.key"


def test_https_with_a_private_ca(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ca, cert, key = make_certs(tmp_path)
    s = fresh("--tls-cert", str(cert), "--tls-key", str(key))
    assert s.url.startswith("https://")
    with s.client(verify=str(ca)) as c:
        assert c.employees.get(1).emp_code == "1"
    with s.client(verify=False) as c:
        assert c.employees.get(1).emp_code == "1"
    with s.client(retries=0) as c:  # verify=True: the private CA is not trusted
        with pytest.raises(zkbiotime.TransportError) as e:
            c.employees.get(1)
    assert "certificate" in str(e.value).lower() or "issuer" in str(e.value).lower()
