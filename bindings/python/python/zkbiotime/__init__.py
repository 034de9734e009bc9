"""zkbiotime: a client for the ZKBio Time (BioTime) 9.0 time-attendance API.

>>> import zkbiotime
>>> with zkbiotime.Client("http://127.0.0.1:8097", username="admin", password="admin123") as client:
...     for emp in client.employees.list(department=1):
...         print(emp.emp_code, emp.first_name)

The HTTP work (login, retries, paging, incremental sync, upsert) is done by the Rust core
in the compiled module ``zkbiotime._native``; this package adds the exception classes and
re-exports. See README.md for times and time zones, custom attributes and errors.
"""

from __future__ import annotations

# Records, resources, lists and both clients: generated from the spec (see _native.pyi).
from ._native import *  # noqa: F401,F403
from ._native import __version__
from . import _native as _native_module
from .errors import (
    AuthenticationError,
    BadRequestError,
    InvalidArgumentError,
    LoginCooldownError,
    NotFoundError,
    PermissionDeniedError,
    LicenceError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ZKBioTimeError,
    ZKBioTimeTimeoutError,
)

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "InvalidArgumentError",
    "LoginCooldownError",
    "NotFoundError",
    "PermissionDeniedError",
    "LicenceError",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "ZKBioTimeError",
    "ZKBioTimeTimeoutError",
    "__version__",
]
# Everything public of the native module is exported too.
__all__ += [name for name in dir(_native_module) if not name.startswith("_")]
