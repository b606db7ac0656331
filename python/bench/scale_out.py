"""The scale-out benchmark: the Oregon workload as Parquet, decided three ways, in one run.

For each size (10^5, 10^6 and 10^7 rows by default) the same Parquet file of Oregon
requests (``oregon-table``, the benchmark crate's generator: a row per request, keyed
``customer_id``) is decided into a Parquet file of decisions by

- the command line: ``juris batch policies/oregon --input X.parquet --output Y.parquet
  --key customer_id`` (two worker threads, one per core);
- the Python package: ``Engine.decide_batch`` on the file's record batches, streamed in
  and out with ``pyarrow.parquet`` (a fresh interpreter per run);
- Spark in ``local[2]``: ``juris.spark.decide`` over ``spark.read.parquet``, written with
  ``df.write.parquet`` (the session's start is reported apart).

Each run is a separate process, timed from its start to its exit (Spark: the job alone,
and the session start beside it), with its peak resident memory (``wait4``'s ``ru_maxrss``;
for Spark, the Python driver's only, the JVM's is not the package's). Every output is
checked to hold a decision for every row. The table gives rows/s and each layer's time as a
ratio to the command line's on the same file.

Run from the repository root, with the package installed and the binaries built::

    cargo build --release -p juris -p juris-bench --bin juris --bin oregon-table
    python python/bench/scale_out.py                  # 10^5, 10^6, 10^7
    python python/bench/scale_out.py --rows 100000 --no-spark
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

PYTHON_LAYER = r"""
import sys, time
import pyarrow.parquet as pq
import juris
source, target = sys.argv[1], sys.argv[2]
engine = juris.Engine.load("policies/oregon")
reader = pq.ParquetFile(source)
writer = None
rows = 0
for batch in reader.iter_batches(batch_size=65536):
    out = engine.decide_batch(batch, key="customer_id")
    if writer is None:
        writer = pq.ParquetWriter(target, out.schema)
    writer.write_table(out)
    rows += out.num_rows
writer.close()
print(rows)
"""

SPARK_LAYER = r"""
import os, sys, time
started = time.perf_counter()
# The Python workers run this interpreter, the one the juris wheel is installed in.
os.environ["PYSPARK_PYTHON"] = sys.executable
from pyspark.sql import SparkSession
import juris.spark
source, target = sys.argv[1], sys.argv[2]
spark = (SparkSession.builder.master("local[2]").appName("juris-scale-out")
         .config("spark.ui.enabled", "false")
         .config("spark.driver.memory", "2g")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
session = time.perf_counter() - started
job = time.perf_counter()
df = juris.spark.decide(spark.read.parquet(source), "policies/oregon", key="customer_id")
df.write.mode("overwrite").parquet(target)
job = time.perf_counter() - job
rows = spark.read.parquet(target).where("decision is not null").count()
print(rows, session, job)
spark.stop()
"""


def run_measured(argv: list[str]) -> tuple[float, int, str]:
    """Runs a process and waits for it with ``wait4`` to read its own peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    # communicate() would reap the child: read the pipes by hand, then reap it with wait4.

    def pump(stream, into):
        into.append(stream.read())

    threads = [
        threading.Thread(target=pump, args=(process.stdout, out_chunks)),
        threading.Thread(target=pump, args=(process.stderr, err_chunks)),
    ]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    for t in threads:
        t.join()
    code = os.waitstatus_to_exitcode(status)
    out = b"".join(out_chunks).decode()
    err = b"".join(err_chunks).decode()
    if code not in (0,):
        sys.exit(f"{' '.join(argv)} failed ({code}):\n{err}")
    return seconds, usage.ru_maxrss, out


def decided_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["decision"])
    return table.num_rows - table.column("decision").null_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000,10000000")
    parser.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/juris-scale-out")
    parser.add_argument("--juris", default="target/release/juris")
    parser.add_argument("--generator", default="target/release/oregon-table")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        source = work / f"oregon-{n}.parquet"
        if not source.exists():
            subprocess.run([args.generator, str(n), str(source)], check=True, stdout=subprocess.DEVNULL)
        layers = []
        target = work / f"cli-{n}.parquet"
        s, rss, _ = run_measured([args.juris, "batch", "policies/oregon", "--jobs", "2", "--input",
                                  str(source), "--output", str(target), "--key", "customer_id"])
        assert decided_rows(target) == n, "the command line decided every row"
        layers.append(("command line", s, rss, None))
        target = work / f"python-{n}.parquet"
        s, rss, out = run_measured([sys.executable, "-c", PYTHON_LAYER, str(source), str(target)])
        assert int(out.split()[0]) == n and decided_rows(target) == n
        layers.append(("Python decide_batch", s, rss, None))
        if not args.no_spark:
            target = work / f"spark-{n}"
            s, rss, out = run_measured([sys.executable, "-c", SPARK_LAYER, str(source), str(target)])
            rows, session, job = out.split()
            assert int(rows) == n, "Spark decided every row"
            layers.append(("Spark local[2]", float(job), rss, float(session)))
        cli = layers[0][1]
        for name, seconds, rss, session in layers:
            results.append((n, name, seconds, n / seconds, rss / 1024, seconds / cli, session))
        for name, seconds, rss, session in layers:
            extra = f" (+{session:.1f} s session start)" if session else ""
            print(f"{n:>10} {name:<20} {seconds:8.2f} s {n / seconds:>11,.0f} rows/s "
                  f"{rss / 1024:7.0f} MiB  {seconds / cli:5.2f}x{extra}", flush=True)
    print()
    print("| rows | layer | time | rows/s | peak RSS | vs command line |")
    print("|---:|---|---:|---:|---:|---:|")
    for n, name, seconds, rate, mib, ratio, session in results:
        extra = f" (+{session:.1f} s session)" if session else ""
        print(f"| {n:,} | {name} | {seconds:.2f} s{extra} | {rate:,.0f} | {mib:.0f} MiB | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
