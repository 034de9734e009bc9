"""Resigns (BioTime 8.5 and 9.5): the resource and its `reinstate` action, generated from
the spec; a server without the API says so (against the sandbox)."""

from __future__ import annotations

import asyncio
import datetime
from typing import Callable

import pytest

import zkbiotime
from conftest import Sandbox


def test_resign_round_trip_and_reinstate(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--server-version", "9.5", "--employees", "5", "--days", "1")
    with sb.client() as c:
        employee = c.employees.page(1).items[0].id
        r = c.resigns.create(
            employee=employee,
            resign_date=datetime.date(2024, 6, 1),
            resign_type=1,
            disableatt=True,
            reason="moved away",
        )
        assert r.employee.id == employee
        assert r.resign_date == datetime.date(2024, 6, 1)
        assert zkbiotime.labels("Resign", "resign_type")["1"] == "Quit"
        updated = c.resigns.update(r.id, reason="back to school")
        assert updated.reason == "back to school"
        assert [x.id for x in c.resigns.list(employee=employee)] == [r.id]
        assert not hasattr(c.resigns, "upsert")  # a resign has no code to upsert by
        c.resigns.reinstate(resigns=[r.id])
        with pytest.raises(zkbiotime.NotFoundError):
            c.resigns.get(r.id)
        again = c.resigns.create(
            employee=employee, resign_date=datetime.date(2024, 7, 1), resign_type=2, disableatt=False
        )
        c.resigns.delete(again.id)
        assert list(c.resigns.list()) == []


def test_async_reinstate(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--server-version", "8.5", "--employees", "3", "--days", "1")

    async def run() -> None:
        async with sb.async_client() as c:
            r = await c.resigns.create(
                employee=1, resign_date=datetime.date(2024, 6, 1), resign_type=1, disableatt=True
            )
            await c.resigns.reinstate(resigns=[r.id])
            assert [x async for x in c.resigns.list()] == []

    asyncio.run(run())


def test_an_action_on_ids_takes_the_bare_list(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--server-version", "9.5", "--employees", "3", "--days", "1")
    with sb.client() as c:
        r = c.resigns.create(employee=1, resign_date="2024-06-01", resign_type=1, disableatt=True)
        c.resigns.reinstate([r.id])  # as reinstate(resigns=[r.id])
        assert list(c.resigns.list()) == []
        assert c.terminals.reboot([1]) is not None
        with pytest.raises(TypeError, match="twice"):
            c.resigns.reinstate([1], resigns=[2])  # type: ignore[call-overload]
        # A body with more than the ids (areas too) takes keywords only.
        with pytest.raises(TypeError):
            c.employees.adjust_area([1])  # type: ignore[call-arg]


def test_a_server_without_the_resign_api_says_so(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--server-version", "9.0", "--employees", "3", "--days", "1")
    with sb.client() as c, pytest.raises(zkbiotime.NotFoundError, match="no resign API"):
        list(c.resigns.list())
