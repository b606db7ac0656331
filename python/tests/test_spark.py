"""`juris.spark.decide` over 1,000,000 Oregon requests, in `local[2]` and on a standalone
cluster (a Master and two Workers on 127.0.0.1), against `juris batch` row for row.

Run with ``pytest -m spark`` (the default run leaves these out).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import juris
import juris.spark
from conftest import OREGON, run_cli
from oregon_requests import write_parquet

pytestmark = pytest.mark.spark

N = int(os.environ.get("JURIS_SPARK_ROWS", "1000000"))
COMPARED = ["decision", "cites", "obligations", "depends_on", "cases", "error_code"]


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    """N requests as Parquet, and `juris batch`'s decisions of them (keyed, in order)."""
    tmp = tmp_path_factory.mktemp("million")
    started = time.perf_counter()
    write_parquet(N, str(tmp / "requests.parquet"), seed=1)
    generated = time.perf_counter()
    run_cli("batch", str(OREGON), "--input", str(tmp / "requests.parquet"),
            "--output", str(tmp / "cli.parquet"), "--key", "customer_id")
    print(f"\n{N} requests generated in {generated - started:.1f}s; "
          f"juris batch decided them in {time.perf_counter() - generated:.1f}s")
    cli = pq.read_table(tmp / "cli.parquet")
    assert cli.num_rows == N
    return tmp / "requests.parquet", cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark_session(master: str, app: str):
    from pyspark.sql import SparkSession

    # pyspark starts its Python workers with $PYSPARK_PYTHON (else `python3` on PATH): this
    # interpreter, where juris is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.driver.memory", "1g")
        .config("spark.executor.memory", "768m")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def decide_and_compare(spark, requests: Path, cli: pa.Table, tmp: Path) -> None:
    """Decides the requests with juris.spark.decide from a copy of the policies that is
    deleted before any task runs (so the executors can only have them from the closure),
    writes the decisions to Parquet and compares them with the CLI's by customer_id."""
    copy = tmp / "policies-copy"
    shutil.copytree(OREGON, copy / "oregon")
    df = spark.read.parquet(str(requests))
    decided = juris.spark.decide(df, str(copy / "oregon"), key="customer_id")
    shutil.rmtree(copy)
    started = time.perf_counter()
    decided.write.mode("overwrite").parquet(str(tmp / "spark.parquet"))
    print(f"\n{spark.sparkContext.master}: {N} requests decided and written in "
          f"{time.perf_counter() - started:.1f}s")
    got = pq.read_table(tmp / "spark.parquet").sort_by("customer_id")
    assert got.num_rows == N
    assert got.column("customer_id").equals(cli.column("customer_id"))
    for name in COMPARED:
        expected = cli.column(name)
        column = got.column(name).cast(expected.type)
        assert column.equals(expected), name


def test_local(million, tmp_path):
    requests, cli = million
    spark = spark_session("local[2]", "juris-local")
    try:
        decide_and_compare(spark, requests, cli, tmp_path)
    finally:
        spark.stop()


@pytest.fixture
def standalone(tmp_path):
    """A Spark standalone Master and two one-core Workers on 127.0.0.1, started with the
    pyspark package's spark-class; always stopped."""
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    spark_class = spark_home / "bin" / "spark-class"
    env = dict(os.environ, SPARK_HOME=str(spark_home), SPARK_LOCAL_IP="127.0.0.1",
               PYSPARK_PYTHON=sys.executable, SPARK_NO_DAEMONIZE="1")
    port, ui = free_port(), free_port()
    processes = []
    logs = tmp_path / "spark-logs"
    logs.mkdir()

    def start(name, *args, **extra_env):
        log = open(logs / f"{name}.log", "wb")
        p = subprocess.Popen(["bash", str(spark_class), *args], env=dict(env, **extra_env),
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        processes.append((p, log))
        return p

    try:
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
              "--port", str(port), "--webui-port", str(ui))
        url = f"spark://127.0.0.1:{port}"
        worker_tmp = []
        for i in (1, 2):
            tmp = tmp_path / f"worker{i}-tmp"
            tmp.mkdir()
            worker_tmp.append(tmp)
            start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1",
                  "--cores", "1", "--memory", "1g", "--webui-port", "0",
                  "--work-dir", str(tmp_path / f"worker{i}"), TMPDIR=str(tmp))
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as r:
                    state = json.load(r)
                if state.get("aliveworkers", 0) >= 2:
                    break
            except OSError:
                pass
            if time.time() > deadline or any(p.poll() is not None for p, _ in processes):
                text = "\n".join((logs / f).read_text(errors="replace")[-2000:] for f in os.listdir(logs))
                pytest.fail(f"the standalone cluster did not start:\n{text}")
            time.sleep(1)
        yield url, worker_tmp
    finally:
        for p, log in reversed(processes):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p, log in reversed(processes):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            log.close()


def test_standalone_cluster(million, standalone, tmp_path):
    requests, cli = million
    url, worker_tmp = standalone
    spark = spark_session(url, "juris-standalone")
    try:
        decide_and_compare(spark, requests, cli, tmp_path)
    finally:
        spark.stop()
    # The executors' Python workers wrote the shipped policies to their own temp dirs.
    shipped = [d for tmp in worker_tmp for d in tmp.glob("juris-policies-*")]
    assert shipped, "no worker materialized the shipped policies"
