"""Servers in the field: loose types read under the decoding policy, strict mode, auth
schemes, the licence gate, raw requests and server_info (against the sandbox)."""

from __future__ import annotations

import asyncio
from typing import Callable

import pytest

import zkbiotime
from conftest import Sandbox


def test_loose_punch_values_are_read_and_odd_ones_kept(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--hostile", "form_display_fields_9_5")
    with sb.client() as c:
        (p,) = list(c.transactions.list())
        assert p.temperature == 36.6  # "36.6" on the wire
        assert p.is_mask is None  # "-"
        assert p.punch_state_display == "Check In"
        assert p.department == "Sales"
    sb = fresh("--hostile", "form_unreadable_kept")
    with sb.client() as c:
        (p,) = list(c.transactions.list())
        assert p.is_mask is None
        assert p.extra["is_mask"] == "maybe"
    with sb.client(strict=True) as c, pytest.raises(zkbiotime.UnexpectedResponseError):
        list(c.transactions.list())


def test_an_8_0_employee_reads_in_the_9_x_shape(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--hostile", "form_employee_8_0")
    with sb.client() as c:
        e = c.employees.get(7)
        assert e.department is not None and e.department.id == 3
        assert e.department.dept_name == "Operations"
        assert [(a.id, a.area_name) for a in e.area] == [(1, "Head office"), (2, "Warehouse")]
        assert e.attemployee is not None and e.attemployee.enable_attendance is True


def test_transfer_time_is_a_schedule_not_a_time(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--hostile", "form_terminal_loose")
    with sb.client() as c:
        (t,) = list(c.terminals.list())
        assert t.transfer_time == "00:00;14:05"
        assert t.state == "1" and t.is_attendance == 1


def test_licence_gate_is_its_own_error(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--hostile", "status_403_licence")
    with sb.client(retries=0) as c, pytest.raises(zkbiotime.LicenceError) as caught:
        list(c.transactions.list())
    assert isinstance(caught.value, zkbiotime.PermissionDeniedError)
    assert caught.value.status_code == 403
    assert "Basic" in str(caught.value)


def test_request_and_server_info(client: zkbiotime.Client) -> None:
    page = client.request("GET", "/personnel/api/employees/", params={"page_size": 2, "emp_code": None})
    assert page["count"] >= 2 and len(page["data"]) == 2
    with pytest.raises(zkbiotime.InvalidArgumentError, match="method"):
        client.request("TRACE", "/personnel/api/employees/")
    with pytest.raises(zkbiotime.NotFoundError):
        client.request("GET", "/personnel/api/employees/987654/")
    info = client.server_info()
    assert info["envelope_key"] == "data"
    assert info["employee_shape"] == "nested"
    assert set(info) >= {"docs_title", "version", "resign_api", "page_size_param"}


def test_async_request(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client() as c:
            page = await c.request("GET", "/iclock/api/terminals/")
            assert page["count"] >= 1
            info = await c.server_info()
            assert info["envelope_key"] == "data"

    asyncio.run(main())


def test_auth_schemes(demo: Sandbox) -> None:
    with demo.client(auth="jwt") as c:
        assert c.employees.get(1).id == 1
    with pytest.raises(ValueError, match="staff_jwt"):
        demo.client(auth="kerberos")
    with pytest.raises(ValueError, match="contradicts"):
        demo.client(auth="basic", jwt=True)
    assert "auth='basic'" in repr(demo.client(auth="basic"))


def test_code_labels_come_from_the_spec() -> None:
    states = zkbiotime.labels("Transaction", "punch_state")
    assert states["0"] == "Check In" and states["255"] == "No state"
    assert zkbiotime.labels("Transaction", "verify_type")["15"] == "Face"
    assert zkbiotime.labels("Employee", "emp_code") == {}
