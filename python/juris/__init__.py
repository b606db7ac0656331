"""Juris from Python: decide requests, and Arrow tables of requests, against policies.

The decisions are Juris's own: this package loads policies, reads requests and writes
decisions with the ``juris`` Rust library itself, exactly as ``juris eval --format json``
and ``juris batch`` do. Nothing is checked or decided in Python.

>>> import juris
>>> engine = juris.Engine.load("policies/oregon")
>>> engine.jurisdictions
['OR']
>>> engine.decide({"jurisdiction": "OR", "actor": "electric_company", "action": "transfer",
...                "recipient": "administrator", "data": "meter_number",
...                "customer": {"usage_amw": 0.3}})["decision"]
'undetermined'

Tables (``pyarrow``, pandas through ``pyarrow.Table.from_pandas``, Polars through
``DataFrame.to_arrow()`` or directly) are decided a row per request with
:meth:`Engine.decide_batch`; Spark DataFrames with :func:`juris.spark.decide`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional, Union

from . import _juris
from ._errors import JurisError, PolicyError, RequestError, TableError

__all__ = [
    "Engine",
    "JurisError",
    "PolicyError",
    "RequestError",
    "TableError",
    "__version__",
]

__version__: str = _juris.__version__

PathLike = Union[str, "os.PathLike[str]"]


def _paths(paths: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        return [os.fsdecode(paths)]
    return [os.fsdecode(p) for p in paths]


def _arrow_input(data: Any) -> Any:
    """Hands Arrow data to the native module as it is. A pandas DataFrame is converted
    with ``pyarrow.Table.from_pandas(preserve_index=False)``, so that its index never
    becomes a column (``__index_level_0__`` is no fact) whichever pandas exports it; a
    Polars DataFrame without the Arrow stream interface with ``to_arrow()``."""
    module = type(data).__module__ or ""
    if module.startswith("pandas"):
        import pyarrow as pa

        return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    if module.startswith("polars") and hasattr(data, "to_arrow"):
        return data.to_arrow()
    return data


class Engine:
    """Loaded policies: one per jurisdiction.

    Create one with :meth:`Engine.load`. An engine is immutable and thread-safe; deciding
    releases the GIL.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_juris.Engine") -> None:
        self._native = native

    @classmethod
    def load(cls, paths: Union[PathLike, Iterable[PathLike]]) -> "Engine":
        """Loads the policies in ``paths`` (a ``.juris`` file or a directory of them, or a
        list of such), with their statute ``.txt`` copies beside them.

        Raises:
            PolicyError: a policy has errors (``.diagnostics`` lists them all).
        """
        return cls(_juris.Engine.load(_paths(paths)))

    @property
    def jurisdictions(self) -> List[str]:
        """The jurisdictions requests can name (``"OR"``, …), in load order."""
        return list(self._native.jurisdictions)

    def decide(self, request: Dict[str, Any], explain: bool = False) -> Dict[str, Any]:
        """Decides one request: the decision contract as ``juris eval --format json``
        gives it (``decision``, ``cites``, ``obligations``, ``depends_on``, ``cases``, and
        ``explanation`` when ``explain``).

        ``request`` is the request's JSON object as a dict (nested, or with dotted keys).
        NaN and infinities are refused (``R011``), as in JSON.

        Raises:
            RequestError: the vocabulary refuses the request (``.code``, ``.errors``).
        """
        if isinstance(request, (bytes, bytearray)):
            text = bytes(request)
        elif isinstance(request, str):
            text = request.encode("utf-8")
        else:
            # json.dumps writes NaN and Infinity as tokens, which the decoder refuses
            # with R011: the same error the same request in JSON Lines gets.
            text = json.dumps(request, ensure_ascii=False).encode("utf-8")
        return json.loads(self._native.decide_json(text, explain))

    def decide_batch(self, data: Any, key: Optional[str] = None, explain: bool = False) -> Any:
        """Decides every row of a table of requests, as ``juris batch --input x.parquet``
        does; returns a ``pyarrow.Table``.

        ``data`` is a ``pyarrow.Table``, ``RecordBatch`` or ``RecordBatchReader``, anything
        with the Arrow PyCapsule stream interface (a Polars DataFrame), or a pandas
        DataFrame. Each column is a fact named by its dotted path
        (``customer.usage_amw``), or ``jurisdiction``, or the ``key`` column, which is
        carried to the output as it is. A null cell is a fact not given.

        The output has the key column (when named), ``decision``, ``cites``,
        ``obligations``, ``depends_on``, ``cases`` (JSON text), ``explanation`` (JSON text,
        when ``explain``) and, for a row the vocabulary refuses, ``error_code``,
        ``error_name``, ``error_message``, ``error_key``, ``error_help`` and ``errors``.

        Raises:
            TableError: a column is no fact of any policy, or of a type no fact has, or
                the key column is missing; nothing is decided.
        """
        return self._native.decide_batch(_arrow_input(data), key, explain)

    def output_schema(self, schema: Any, key: Optional[str] = None, explain: bool = False) -> Any:
        """The ``pyarrow.Schema`` :meth:`decide_batch` gives for input of ``schema``.

        Raises:
            TableError: as :meth:`decide_batch` would for this schema.
        """
        return self._native.output_schema(schema, key, explain)

    def __repr__(self) -> str:
        return f"juris.Engine(jurisdictions={self.jurisdictions!r})"

    def __reduce__(self) -> Any:
        raise TypeError(
            "a juris.Engine cannot be pickled (it holds compiled policies, not their files): "
            "on Spark use juris.spark.decide, which ships the policy files to the workers, "
            "or load an Engine where it is used"
        )


def __getattr__(name: str) -> Any:
    # `juris.spark` without importing it first (pyspark is imported only when it is used).
    if name == "spark":
        import importlib

        return importlib.import_module(".spark", __name__)
    raise AttributeError(f"module 'juris' has no attribute {name!r}")
