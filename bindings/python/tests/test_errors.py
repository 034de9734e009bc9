"""Every exception class, with its status, method, path and detail."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import zkbiotime
from conftest import Sandbox


def test_hierarchy() -> None:
    for name in [
        "AuthenticationError",
        "LoginCooldownError",
        "PermissionDeniedError",
        "NotFoundError",
        "BadRequestError",
        "ServerError",
        "TransportError",
        "ZKBioTimeTimeoutError",
        "UnexpectedResponseError",
        "InvalidArgumentError",
    ]:
        assert issubclass(getattr(zkbiotime, name), zkbiotime.ZKBioTimeError), name
    assert issubclass(zkbiotime.ZKBioTimeTimeoutError, TimeoutError)
    assert issubclass(zkbiotime.InvalidArgumentError, ValueError)


def test_wrong_password_then_cooldown(demo: Sandbox) -> None:
    with demo.client(password="wrong-password") as c:
        with pytest.raises(zkbiotime.AuthenticationError) as e:
            c.employees.get(1)
        assert e.value.status_code == 400
        assert e.value.method == "POST" and e.value.path == "/api-token-auth/"
        assert "Unable to log in" in e.value.detail
        assert "wrong-password" not in str(e.value)
        with pytest.raises(zkbiotime.LoginCooldownError) as again:
            c.employees.get(1)
        assert again.value.retry_after is not None and again.value.retry_after > 50
        assert "wrong-password" not in repr(c)


def test_invalid_static_token(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--static-token", "ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7")
    with zkbiotime.Client(s.url, token="ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7") as good:
        assert good.employees.get(1).emp_code == "1"
        assert "ae600" not in repr(good)
    with zkbiotime.Client(s.url, token="0000") as bad:
        with pytest.raises(zkbiotime.AuthenticationError) as e:
            bad.employees.get(1)
    assert e.value.status_code == 401
    assert e.value.detail == "Invalid token."
    assert (e.value.method, e.value.path) == ("GET", "/personnel/api/employees/1/")
    assert e.value.kind == "authentication"


def test_jwt_login(demo: Sandbox) -> None:
    with demo.client(jwt=True) as c:
        assert c.employees.get(1).emp_code == "1"


def test_not_found_everywhere(client: zkbiotime.Client) -> None:
    for resource in ["employees", "departments", "areas", "positions", "terminals", "transactions"]:
        with pytest.raises(zkbiotime.NotFoundError) as e:
            getattr(client, resource).get(987654)
        assert e.value.status_code == 404
        assert e.value.detail == "Not found."
    with pytest.raises(zkbiotime.NotFoundError) as e:
        client.employees.delete(987654)
    assert e.value.method == "DELETE"


def test_bad_request_has_field_errors(client: zkbiotime.Client) -> None:
    with pytest.raises(zkbiotime.BadRequestError) as e:
        client.employees.create(emp_code="1", department=1, area=[2])
    assert e.value.status_code == 400
    assert e.value.field_errors["emp_code"] == ["employee with this emp code already exists."]
    with pytest.raises(zkbiotime.BadRequestError) as e:
        client.employees.create(emp_code="py-new-1", department=1, area=[9999])
    assert "object does not exist" in e.value.field_errors["area"][0]


def test_server_error_after_retries(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--faults", "500=1")
    with s.client(retries=0) as c:
        with pytest.raises(zkbiotime.ServerError) as e:
            c.employees.get(1)
    assert e.value.status_code == 500


def test_html_page_is_an_unexpected_response(demo: Sandbox) -> None:
    with zkbiotime.Client(demo.url + "/wrong-prefix", token="whatever", retries=1) as c:
        with pytest.raises(zkbiotime.UnexpectedResponseError) as e:
            list(c.terminals.list())
    assert "text/html" in e.value.detail


def test_connection_refused_is_a_transport_error() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with zkbiotime.Client(f"http://127.0.0.1:{port}", token="t", retries=1) as c:
        with pytest.raises(zkbiotime.TransportError) as e:
            c.terminals.get(1)
    assert e.value.status_code is None


def test_slow_server_is_a_timeout(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--faults", "slow=1,slow-ms=3000")
    with zkbiotime.Client(s.url, username="admin", password="admin123", timeout=0.3, retries=0) as c:
        started = time.monotonic()
        with pytest.raises(zkbiotime.ZKBioTimeTimeoutError) as e:
            c.terminals.get(1)
        assert time.monotonic() - started < 2.5
    assert isinstance(e.value, TimeoutError)


class _Forbidding(http.server.BaseHTTPRequestHandler):
    """A server that answers 403 like DRF does for an account without the permission
    (the sandbox's admin may do everything)."""

    def do_GET(self) -> None:  # noqa: N802
        body = json.dumps({"detail": "You do not have permission to perform this action."})
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def forbidding() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forbidding)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_forbidden_is_permission_denied(forbidding: str) -> None:
    with zkbiotime.Client(forbidding, token="t") as c:
        with pytest.raises(zkbiotime.PermissionDeniedError) as e:
            c.employees.get(1)
    assert e.value.status_code == 403
    assert e.value.detail.startswith("You do not have permission")


def test_bad_configuration_is_refused_before_any_request() -> None:
    with pytest.raises(zkbiotime.InvalidArgumentError):
        zkbiotime.Client("not a url", token="t")
    with pytest.raises(zkbiotime.InvalidArgumentError):
        zkbiotime.Client("ftp://x", token="t")
    with pytest.raises(zkbiotime.InvalidArgumentError):
        zkbiotime.Client("http://x")
    with pytest.raises(ValueError, match="IANA"):
        zkbiotime.Client("http://x", token="t", timezone="Mars/Base")
    with pytest.raises(ValueError, match="both"):
        zkbiotime.Client("http://x", username="admin")
    with pytest.raises(ValueError, match="timeout"):
        zkbiotime.Client("http://x", token="t", timeout=0)
    with pytest.raises(zkbiotime.InvalidArgumentError, match="CA bundle"):
        zkbiotime.Client("https://x", token="t", verify="/nonexistent/ca.pem")
    with pytest.raises(TypeError):
        zkbiotime.Client("http://x", token="t", verify=3)


def test_every_core_setting_is_a_keyword(demo: Sandbox) -> None:
    """The keywords are the core's settings: the ones Python had no own argument for too."""
    tiny = zkbiotime.Client(
        demo.url, username="admin", password="admin123", max_response_bytes=1024, retries=0
    )
    with pytest.raises(zkbiotime.ZKBioTimeError):
        list(tiny.employees.list())
    patient = zkbiotime.Client(
        demo.url,
        username="admin",
        password="admin123",
        retry_base_delay=0.01,
        retry_max_delay=0.1,
        retry_budget=5.0,
    )
    assert len(list(patient.employees.list())) > 0
    # A name or a type the core refuses is a TypeError, as for any keyword argument.
    with pytest.raises(TypeError, match="pagesize"):
        zkbiotime.Client(demo.url, token="t", pagesize=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timeout"):
        zkbiotime.Client(demo.url, token="t", timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_response_bytes"):
        zkbiotime.Client(demo.url, token="t", max_response_bytes=10)


def test_closed_client_refuses(demo: Sandbox) -> None:
    c = demo.client()
    c.close()
    with pytest.raises(zkbiotime.ZKBioTimeError, match="closed"):
        c.employees.get(1)


def test_a_panic_is_an_error_not_a_crash() -> None:
    from zkbiotime import _native

    with pytest.raises(zkbiotime.ZKBioTimeError, match="internal error") as e:
        _native._panic_for_tests()
    assert e.value.kind == "panic"


def test_errors_pickle() -> None:
    import pickle

    err = zkbiotime.BadRequestError(
        "bad request", status_code=400, method="POST", path="/x/", field_errors={"a": ["b"]}
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is zkbiotime.BadRequestError
    assert back.field_errors == {"a": ["b"]} and back.status_code == 400
