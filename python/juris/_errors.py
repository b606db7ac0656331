"""The exceptions of :mod:`juris`, raised by the native module with every field set."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = ["JurisError", "PolicyError", "RequestError", "TableError"]

# Shown as juris.RequestError (…) in tracebacks: they are the package's public names.
_MODULE = "juris"


class JurisError(Exception):
    """Any error Juris reports: the base of :class:`PolicyError`,
    :class:`RequestError` and :class:`TableError`."""

    def __init__(self, *args: Any, **fields: Any) -> None:
        message = fields.pop("message", None)
        if message is None:
            message = str(args[0]) if args else ""
        super().__init__(message)
        self.message: str = message
        for name, value in fields.items():
            setattr(self, name, value)


class PolicyError(JurisError):
    """The policies could not be loaded (``juris check`` would report the same).

    Attributes:
        diagnostics: every diagnostic, as dicts with ``code`` (``"C006"``), ``name``,
            ``severity``, ``message``, ``file``, ``line`` (1-based, or ``None``) and
            ``help`` (or ``None``).
        rendered: the diagnostics as ``juris check`` prints them, without colour.
    """

    diagnostics: List[Dict[str, Any]]
    rendered: str

    def __str__(self) -> str:
        rendered = getattr(self, "rendered", "")
        return rendered.rstrip() or self.message


class RequestError(JurisError):
    """A request the vocabulary refuses: it is not decided.

    The fields are those of the first error, as ``juris batch`` writes an error record:

    Attributes:
        code: the diagnostic code, e.g. ``"R001"`` (unknown key), ``"R003"`` (unknown
            value), ``"R005"`` (unknown jurisdiction), ``"R011"`` (NaN or infinity).
        name: its kebab-case name, e.g. ``"unknown-key"``.
        message: what is wrong (lowercase, no final period).
        key: the dotted key it is about, or ``None`` for the whole request.
        help: how to fix it, or ``None``.
        errors: every error, as dicts with the same fields.
    """

    code: str
    name: str
    key: Optional[str]
    help: Optional[str]
    errors: List[Dict[str, Any]]

    def __str__(self) -> str:
        at = f" (at `{self.key}`)" if getattr(self, "key", None) else ""
        return f"[{getattr(self, 'code', '?')}] {self.message}{at}"


class TableError(JurisError):
    """A table that cannot be read as requests at all: nothing of it is decided.

    Attributes:
        code: ``"R001"`` (no fact has the column's name), ``"R002"`` (no fact has the
            column's type) or ``"U004"`` (the table cannot be read, or the key column is
            missing).
        name: the code's kebab-case name.
        column: the column it is about, or ``None``.
        message: what is wrong.
        help: how to fix it.
    """

    code: str
    name: str
    column: Optional[str]
    help: str

    def __str__(self) -> str:
        return f"[{getattr(self, 'code', '?')}] {self.message}"


for _class in (JurisError, PolicyError, RequestError, TableError):
    _class.__module__ = _MODULE
