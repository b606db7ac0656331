"""Juris on Spark: decide a DataFrame of requests on the executors, a row per request.

>>> from pyspark.sql import SparkSession
>>> import juris.spark
>>> spark = SparkSession.builder.master("local[2]").getOrCreate()
>>> requests = spark.read.parquet("requests.parquet")   # columns: customer_id, actor, ...
>>> decided = juris.spark.decide(requests, "policies/oregon", key="customer_id")
>>> decided.groupBy("decision").count().show()

How it works:

* On the driver, :func:`decide` reads every file under the given policy paths (the
  ``.juris`` files and the statute ``.txt`` copies beside them, which a policy's cites are
  checked against), loads them once to check them (a :class:`juris.PolicyError` is raised
  there, not on an executor) and works out the output schema with
  :meth:`juris.Engine.output_schema` (a column that is no fact raises
  :class:`juris.TableError` on the driver too).
* The files' bytes travel in the closure of ``df.mapInArrow``: the executors need no shared
  file system and no copy of the policies of their own. Each Python worker writes them to a
  temporary directory named by their SHA-256 and loads them once; the engine is kept for
  every later task of that worker (Spark reuses Python workers by default).
* Each Arrow record batch Spark hands the worker is decided by the Rust engine
  (:meth:`juris.Engine.decide_batch`, on all the worker's cores, without the GIL) and
  returned as Arrow: the same decisions ``juris batch`` writes for the same rows.

The output has the ``key`` column (name one: Spark does not keep row order, so the key is
how a decision is matched to its request), ``decision``, ``cites``, ``obligations``,
``depends_on``, ``cases`` (JSON text), ``explanation`` (JSON text, with ``explain=True``) and
the ``error_*`` columns of rows the vocabulary refuses.

Executors need the ``juris`` wheel installed in the Python they run (``PYSPARK_PYTHON``;
pyspark falls back to ``python3`` on the PATH), or shipped in a packed environment
(``spark.archives``), as for any Python UDF: the wheel is abi3, one file for CPython 3.9 and
later on Linux x86-64. ``--py-files`` does not carry a native module. In ``local[N]`` from a
virtual environment, set ``os.environ["PYSPARK_PYTHON"] = sys.executable`` before the
session starts, or the workers start the PATH's ``python3``, where ``juris`` is not
installed (``ModuleNotFoundError: No module named 'juris'`` in a task).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from urllib.parse import unquote
from typing import TYPE_CHECKING, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from . import Engine

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["decide", "PolicyBundle"]

_ENGINES: Dict[str, Engine] = {}
_LOCK = threading.Lock()


class PolicyBundle:
    """Policy files read into memory, to be loaded where they are not on disk.

    ``roots`` are the paths to load, relative to the bundle; ``files`` each file's path
    relative to the bundle and its bytes; ``digest`` their SHA-256.
    """

    __slots__ = ("roots", "files", "digest")

    def __init__(self, roots: List[str], files: List[Tuple[str, bytes]]) -> None:
        self.roots = roots
        self.files = files
        sha = hashlib.sha256()
        for root in roots:
            sha.update(b"root\0" + root.encode() + b"\0")
        for name, data in files:
            sha.update(b"file\0" + name.encode() + b"\0" + str(len(data)).encode() + b"\0")
            sha.update(data)
        self.digest = sha.hexdigest()

    @classmethod
    def read(cls, paths: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]) -> "PolicyBundle":
        """Reads every file under each path (a directory, recursively; for a file, every
        file in its directory, so its statute copies and sibling files come along)."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        roots: List[str] = []
        files: List[Tuple[str, bytes]] = []
        for i, path in enumerate(paths):
            path = os.path.abspath(os.fsdecode(path))
            if os.path.isdir(path):
                base, root = path, f"{i}/{os.path.basename(path) or 'policies'}"
                top = root
            elif os.path.isfile(path):
                base = os.path.dirname(path)
                top = f"{i}/{os.path.basename(base) or 'policies'}"
                root = f"{top}/{os.path.basename(path)}"
            else:
                raise FileNotFoundError(f"no policy file or directory at {path}")
            roots.append(root)
            walked = os.walk(base) if os.path.isdir(path) else [(base, [], os.listdir(base))]
            for directory, subdirs, names in walked:
                subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "__pycache__")
                for name in sorted(names):
                    full = os.path.join(directory, name)
                    if name.startswith(".") or not os.path.isfile(full):
                        continue
                    relative = os.path.relpath(full, base).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        files.append((f"{top}/{relative}", f.read()))
        return cls(roots, files)

    def engine(self) -> Engine:
        """The engine of these files, loaded once per process: the files are written to a
        temporary directory named by their digest (reused when it is there already)."""
        with _LOCK:
            engine = _ENGINES.get(self.digest)
            if engine is None:
                directory = self._materialize()
                engine = Engine.load([os.path.join(directory, r) for r in self.roots])
                _ENGINES[self.digest] = engine
            return engine

    def _materialize(self) -> str:
        final = os.path.join(tempfile.gettempdir(), f"juris-policies-{self.digest[:32]}")
        if os.path.isdir(final):
            return final
        staging = tempfile.mkdtemp(prefix="juris-policies-staging-")
        for name, data in self.files:
            target = os.path.join(staging, *name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data)
        try:
            os.rename(staging, final)
        except OSError:
            # Another worker put the same files there first.
            shutil.rmtree(staging, ignore_errors=True)
        return final


def decide(
    df: "DataFrame",
    policies: Union[str, "os.PathLike[str]", List[Union[str, "os.PathLike[str]"]]],
    key: Optional[str] = None,
    explain: bool = False,
) -> "DataFrame":
    """Decides every row of ``df`` as a request against the policies at ``policies``
    (paths on the driver), with ``df.mapInArrow``; returns the decisions as a DataFrame.

    Raises (on the driver, before any task runs):
        juris.PolicyError: the policies have errors.
        juris.TableError: a column is no fact of any policy (or of a type no fact has), or
            ``key`` is not a column.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    bundle = PolicyBundle.read(policies)
    engine = bundle.engine()
    input_schema = to_arrow_schema(df.schema)
    output_schema = engine.output_schema(input_schema, key=key, explain=explain)
    spark_schema = from_arrow_schema(output_schema)

    # mapInArrow resolves each column by its name, and Spark reads `customer.usage_amw` as
    # the field `usage_amw` of a column `customer`: the columns travel under escaped names
    # (`customer%2Eusage_amw`) and get their own back in the worker, before deciding.
    names = list(df.columns)
    escaped = [_escape(n) for n in names]
    if escaped != names:
        df = df.toDF(*escaped)

    def decide_partition(batches: Iterator["object"]) -> Iterator["object"]:
        import pyarrow as pa

        worker_engine = bundle.engine()
        for batch in batches:
            if escaped != names:
                batch = pa.RecordBatch.from_arrays(batch.columns, names=[unquote(n) for n in batch.schema.names])
            table = worker_engine.decide_batch(batch, key=key, explain=explain)
            yield from table.to_batches()

    return df.mapInArrow(decide_partition, spark_schema)


def _escape(name: str) -> str:
    """A column name Spark does not read as a path: `%`, `.` and backticks %-escaped
    (undone exactly by ``urllib.parse.unquote``)."""
    return name.replace("%", "%25").replace(".", "%2E").replace("`", "%60")
