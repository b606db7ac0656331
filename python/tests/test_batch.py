"""`Engine.decide_batch` against `juris batch` on Parquet, for pyarrow, pandas and Polars."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import juris
from conftest import OREGON, run_cli
from oregon_requests import UNKNOWN_MEMBER, generate

N = 20_000
DECISION_COLUMNS = ["decision", "cites", "obligations", "depends_on", "cases"]


@pytest.fixture(scope="module")
def requests() -> pa.Table:
    return generate(N, seed=3, invalid=0.01)


@pytest.fixture(scope="module")
def cli_output(requests, tmp_path_factory) -> pa.Table:
    """`juris batch policies/oregon --input x.parquet --output y.parquet --key customer_id`."""
    tmp = tmp_path_factory.mktemp("cli")
    pq.write_table(requests, tmp / "x.parquet", row_group_size=4096)
    run_cli("batch", str(OREGON), "--input", str(tmp / "x.parquet"),
            "--output", str(tmp / "y.parquet"), "--key", "customer_id")
    table = pq.read_table(tmp / "y.parquet")
    assert table.column("row").to_pylist() == list(range(1, N + 1))
    return table.drop_columns(["row"])


def rows(table: pa.Table) -> list:
    return table.to_pylist()


def test_pyarrow_table_equals_cli(engine, requests, cli_output):
    out = engine.decide_batch(requests, key="customer_id")
    assert isinstance(out, pa.Table)
    assert out.schema == cli_output.schema
    assert out.equals(cli_output)
    decisions = set(out.column("decision").drop_null().to_pylist())
    assert len(decisions) >= 3, decisions
    assert out.column("error_code").null_count < N


def test_record_batch_and_reader(engine, requests, cli_output):
    batch = requests.combine_chunks().to_batches()[0]
    assert engine.decide_batch(batch, key="customer_id").equals(cli_output)
    reader = pa.RecordBatchReader.from_batches(requests.schema, requests.to_batches(max_chunksize=1000))
    assert engine.decide_batch(reader, key="customer_id").equals(cli_output)


def test_pandas_equals_cli(engine, requests, cli_output):
    df = requests.to_pandas()
    out = engine.decide_batch(pa.Table.from_pandas(df, preserve_index=False), key="customer_id")
    assert rows(out) == rows(cli_output)
    assert rows(engine.decide_batch(df, key="customer_id")) == rows(cli_output)
    # A filtered frame's index is not a column of requests.
    odd = df[df.index % 2 == 1]
    assert rows(engine.decide_batch(odd, key="customer_id")) == rows(cli_output)[1::2]


def test_polars_equals_cli(engine, requests, cli_output):
    pl = pytest.importorskip("polars")
    df = pl.from_arrow(requests)
    assert rows(engine.decide_batch(df.to_arrow(), key="customer_id")) == rows(cli_output)
    assert rows(engine.decide_batch(df, key="customer_id")) == rows(cli_output)


def test_output_schema(engine, requests, cli_output):
    assert engine.output_schema(requests.schema, key="customer_id") == cli_output.schema
    explained = engine.output_schema(requests.schema.remove(0), explain=True)
    assert "explanation" in explained.names and "customer_id" not in explained.names


def test_explain_matches_decide(engine, requests):
    small = requests.slice(0, 50)
    out = engine.decide_batch(small, key="customer_id", explain=True)
    for row in out.to_pylist():
        if row["error_code"] is None:
            assert json.loads(row["explanation"])


def test_error_row_for_unknown_member(engine, requests):
    out = engine.decide_batch(requests, key="customer_id")
    bad = requests.column("data").to_pylist()
    for given, row in zip(bad, out.to_pylist()):
        if given == UNKNOWN_MEMBER:
            assert row["error_code"] == "R003", row
            assert row["error_name"] == "unknown-value"
            assert row["error_key"] == "data"
            assert row["decision"] is None
    assert UNKNOWN_MEMBER in bad


def test_negative_usage_is_an_error_row(engine):
    t = pa.table({"jurisdiction": ["OR", "OR"], "customer.usage_amw": [-1.0, 0.5]})
    out = engine.decide_batch(t).to_pylist()
    assert out[0]["error_code"] == "R006" and out[0]["decision"] is None
    assert out[1]["error_code"] is None and out[1]["decision"] is not None


def test_column_that_is_no_fact(engine, requests):
    with pytest.raises(juris.TableError) as caught:
        engine.decide_batch(requests.append_column("customer.favorite_color", pa.array(["x"] * N)), key="customer_id")
    e = caught.value
    assert (e.code, e.name, e.column) == ("R001", "unknown-key", "customer.favorite_color")
    assert e.help and isinstance(e, juris.JurisError)
    with pytest.raises(juris.TableError):
        engine.output_schema(pa.schema([("bogus", pa.string())]))


def test_missing_key_column(engine, requests):
    with pytest.raises(juris.TableError) as caught:
        engine.decide_batch(requests, key="nope")
    assert caught.value.code == "U004"


def test_empty_table(engine, requests):
    out = engine.decide_batch(requests.slice(0, 0), key="customer_id")
    assert out.num_rows == 0
    assert out.schema == engine.output_schema(requests.schema, key="customer_id")
