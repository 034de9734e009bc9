"""Create, update, upsert and delete on every writable resource; bodies checked locally."""

from __future__ import annotations

import datetime
from typing import Callable

import pytest

import zkbiotime
from conftest import Sandbox


def test_employee_crud_with_custom_attribute(demo: Sandbox) -> None:
    with demo.client() as c:
        created = c.employees.create(
            emp_code="py-333",
            first_name="emp3_first_name",
            last_name="emp3_last_name",
            department=1,
            area=[1],
            hire_date=datetime.date(2024, 6, 26),
            extra={"Primary Job": "Welder"},
        )
        assert isinstance(created, zkbiotime.EmployeeWritten)
        assert created.id is not None
        assert created.department == 1 and created.area == [1]
        assert created.hire_date == datetime.date(2024, 6, 26)
        assert created.extra["Primary Job"] == "Welder"
        # The password hash is reachable but never printed or dumped.
        assert created.self_password
        assert created.self_password not in repr(created)
        assert "self_password" not in repr(created)
        assert "self_password" not in created.to_dict()

        read = c.employees.get(created.id)
        assert read.extra["Primary Job"] == "Welder"

        updated = c.employees.update(created.id, first_name="changed", card_no="5659812")
        assert updated.first_name == "changed" and updated.card_no == "5659812"
        assert updated.last_name == "emp3_last_name", "PATCH keeps other fields"

        found = list(c.employees.list(emp_code="py-333"))
        assert [e.id for e in found] == [created.id]

        c.employees.delete(created.id)
        with pytest.raises(zkbiotime.NotFoundError):
            c.employees.get(created.id)


@pytest.mark.parametrize(
    ("resource", "code", "name", "parent", "cls"),
    [
        ("departments", "dept_code", "dept_name", "parent_dept", zkbiotime.Department),
        ("areas", "area_code", "area_name", "parent_area", zkbiotime.AreaWritten),
        ("positions", "position_code", "position_name", "parent_position", zkbiotime.Position),
    ],
)
def test_org_crud(demo: Sandbox, resource: str, code: str, name: str, parent: str, cls: type) -> None:
    with demo.client() as c:
        r = getattr(c, resource)
        created = r.create(**{code: "py-222", name: "Py222", parent: 1})
        assert isinstance(created, cls)
        assert getattr(created, parent) == 1
        updated = r.update(created.id, **{name: "Py222_update"})
        assert getattr(updated, name) == "Py222_update"
        assert getattr(r.get(created.id), code) == "py-222"
        r.delete(created.id)
        with pytest.raises(zkbiotime.NotFoundError):
            r.get(created.id)


def test_upsert_creates_then_updates(demo: Sandbox) -> None:
    with demo.client() as c:
        first, created = c.departments.upsert(dept_code="py-up", dept_name="one")
        assert created is True
        second, created_again = c.departments.upsert(dept_code="py-up", dept_name="two")
        assert created_again is False
        assert second.id == first.id and second.dept_name == "two"
        emp, made = c.employees.upsert(emp_code="py-up-emp", department=1, area=[2], first_name="A")
        assert made
        emp2, made2 = c.employees.upsert(emp_code="py-up-emp", department=1, area=[2], first_name="B")
        assert not made2 and emp2.first_name == "B"
        # The update answer may lack the id (as real servers' does): read it back.
        assert [e.id for e in c.employees.list(emp_code="py-up-emp")] == [emp.id]
        c.employees.delete(emp.id)
        c.departments.delete(first.id)


def test_bodies_are_checked_before_any_request(client: zkbiotime.Client) -> None:
    # The core's messages, the same in every language.
    with pytest.raises(TypeError, match="no field `colour`.*extra"):
        client.employees.create(emp_code="x", department=1, area=[1], colour="red")
    with pytest.raises(TypeError, match="missing field `department`"):
        client.employees.create(emp_code="x", area=[1])
    with pytest.raises(TypeError, match="EmployeeUpdate: invalid type"):
        client.employees.update(1, department="one")
    with pytest.raises(ValueError, match="`first_name` is a field of EmployeeUpdate"):
        client.employees.update(1, extra={"first_name": "x"})
    with pytest.raises(TypeError, match="no field"):
        client.departments.update(1, extra={"x": 1}, nonsense=2)
    with pytest.raises(TypeError, match="cannot send"):
        client.employees.update(1, first_name=object())
    assert client.employees.get(1).first_name == "Harry"


def test_a_punch_can_be_deleted_not_written(fresh: Callable[..., Sandbox]) -> None:
    sb = fresh("--employees", "3", "--days", "1")
    with sb.client() as c:
        ids = [p.id for p in c.transactions.list()]
        c.transactions.delete(ids[0])
        assert [p.id for p in c.transactions.list()] == ids[1:]
        with pytest.raises(zkbiotime.NotFoundError):
            c.transactions.delete(ids[0])
        assert not hasattr(c.transactions, "create")
