"""Exceptions of the zkbiotime client.

Every error the client raises derives from :class:`ZKBioTimeError` and carries what is
known about the failed request: ``status_code`` (``None`` when the server never answered),
``method``, ``path`` (no host, no query string), ``detail`` (the server's message or a short
description) and, for a 400, ``field_errors`` (``{field: [messages]}``). Texts never contain
a password, token or password hash.

Arguments the API does not know (a misspelt filter or field) raise the builtin
``TypeError`` / ``ValueError`` before any request is sent.
"""

from __future__ import annotations

import builtins
from typing import Optional

__all__ = [
    "ZKBioTimeError",
    "AuthenticationError",
    "LoginCooldownError",
    "PermissionDeniedError",
    "LicenceError",
    "NotFoundError",
    "BadRequestError",
    "ServerError",
    "TransportError",
    "ZKBioTimeTimeoutError",
    "UnexpectedResponseError",
    "InvalidArgumentError",
]


class ZKBioTimeError(Exception):
    """Base class of every zkbiotime error."""

    kind: str
    status_code: Optional[int]
    method: Optional[str]
    path: Optional[str]
    detail: str
    field_errors: dict[str, list[str]]
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "error",
        status_code: Optional[int] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
        detail: str = "",
        field_errors: Optional[dict[str, list[str]]] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status_code = status_code
        self.method = method
        self.path = path
        self.detail = detail or message
        self.field_errors = dict(field_errors or {})
        self.retry_after = retry_after

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.detail

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Picklable (e.g. across multiprocessing) with every attribute.
        return (_rebuild, (type(self), str(self), self.__dict__.copy()))


def _rebuild(cls: type, message: str, state: dict) -> ZKBioTimeError:  # type: ignore[type-arg]
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err  # type: ignore[no-any-return]


class AuthenticationError(ZKBioTimeError):
    """401, or the server rejected the username and password."""


class LoginCooldownError(ZKBioTimeError):
    """A login was refused locally because the password was rejected recently;
    ``retry_after`` says how many seconds are left."""


class PermissionDeniedError(ZKBioTimeError):
    """403: the account may not do this."""


class LicenceError(PermissionDeniedError):
    """403 from the licence gate: the server's licence lacks the API module. HTTP Basic
    auth (``auth="basic"``) may pass it."""


class NotFoundError(ZKBioTimeError):
    """404: no such record (or page)."""


class BadRequestError(ZKBioTimeError):
    """400: validation failed; ``field_errors`` maps each field to its messages."""


class ServerError(ZKBioTimeError):
    """5xx, 429 or another error status (after the retries the client allows)."""


class TransportError(ZKBioTimeError):
    """The connection failed or broke (DNS, refused, reset, TLS)."""


class ZKBioTimeTimeoutError(ZKBioTimeError, builtins.TimeoutError):
    """Connecting or the whole request took too long. Also a builtin ``TimeoutError``."""

    def __init__(self, message: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        ZKBioTimeError.__init__(self, message, **kwargs)

    def __str__(self) -> str:
        return ZKBioTimeError.__str__(self)


class UnexpectedResponseError(ZKBioTimeError):
    """The server answered something that is not the API's JSON (an HTML page, a body
    that does not match the API, a paging loop)."""


class InvalidArgumentError(ZKBioTimeError, ValueError):
    """The client was given something unusable (a bad URL, time zone or sync state).
    Also a ``ValueError``."""
