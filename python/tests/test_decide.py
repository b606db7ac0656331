"""`Engine.decide` against `juris batch` (JSON Lines), and its typed errors."""

from __future__ import annotations

import json
import math

import pytest

import juris
from conftest import OREGON, ROOT, batch_jsonl
from oregon_requests import generate


def sample_requests(n: int = 300) -> list:
    """The shipped examples and generated requests as nested dicts, nulls left out."""
    requests = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*/*.json"))]
    for row in generate(n, seed=11, invalid=0.0).drop_columns(["customer_id"]).to_pylist():
        request: dict = {}
        for name, value in row.items():
            if value is None:
                continue
            *parents, leaf = name.split(".")
            node = request
            for parent in parents:
                node = node.setdefault(parent, {})
            node[leaf] = value
        requests.append(request)
    return requests


def test_jurisdictions(engine, all_engine):
    assert engine.jurisdictions == ["OR"]
    assert sorted(all_engine.jurisdictions) == ["CA", "OK", "OR"]
    assert "OR" in repr(engine)


def test_decide_matches_juris_batch(all_engine, tmp_path):
    requests = sample_requests()
    expected = batch_jsonl(ROOT / "policies", requests, tmp_path)
    assert len(expected) == len(requests)
    outcomes = set()
    for request, line in zip(requests, expected):
        assert "error" not in line, line
        got = all_engine.decide(request)
        assert got == line
        assert list(got) == list(line)  # the contract's order
        outcomes.add(got["decision"])
    assert len(outcomes) >= 3, outcomes


def test_decide_explained_matches_juris_batch_explain(engine, tmp_path):
    requests = [r for r in sample_requests(40) if r.get("jurisdiction") == "OR"]
    expected = batch_jsonl(OREGON, requests, tmp_path, "--explain")
    for request, line in zip(requests, expected):
        got = engine.decide(request, explain=True)
        assert "explanation" in got
        assert got == line


def test_decide_accepts_dotted_keys_and_json_text(engine):
    nested = json.loads((ROOT / "examples/oregon/meter-number.json").read_text())
    dotted = {k: v for k, v in nested.items() if not isinstance(v, dict)}
    for parent, facts in nested.items():
        if isinstance(facts, dict):
            dotted.update({f"{parent}.{k}": v for k, v in facts.items()})
    assert engine.decide(dotted) == engine.decide(nested)
    assert engine.decide(json.dumps(nested)) == engine.decide(nested)


def refused(engine, request) -> juris.RequestError:
    with pytest.raises(juris.RequestError) as caught:
        engine.decide(request)
    return caught.value


def base() -> dict:
    return json.loads((ROOT / "examples/oregon/meter-number.json").read_text())


def test_unknown_key_r001(engine, tmp_path):
    request = {**base(), "bogus": 1}
    e = refused(engine, request)
    assert (e.code, e.name, e.key) == ("R001", "unknown-key", "bogus")
    assert isinstance(e, juris.JurisError)
    assert e.help and "keys of" in e.help
    assert "R001" in str(e)
    [line] = batch_jsonl(OREGON, [request], tmp_path)
    assert line["error"] == {k: v for k, v in e.errors[0].items() if v is not None}


def test_unknown_value_r003(engine):
    e = refused(engine, {**base(), "actor": "nobody"})
    assert (e.code, e.name, e.key) == ("R003", "unknown-value", "actor")
    assert "nobody" in e.message


def test_nan_and_infinity_r011(engine):
    for value in (math.nan, math.inf, -math.inf):
        request = base()
        request["customer"]["usage_amw"] = value
        e = refused(engine, request)
        assert (e.code, e.name) == ("R011", "unrepresentable-number"), e


def test_unknown_jurisdiction_r005(engine):
    e = refused(engine, {**base(), "jurisdiction": "ZZ"})
    assert (e.code, e.name) == ("R005", "unknown-jurisdiction")


def test_negative_usage_and_every_error(engine):
    request = base()
    request["customer"]["usage_amw"] = -1
    e = refused(engine, request)
    assert e.code == "R006"
    assert e.errors[0]["code"] == "R006"
    several = {**base(), "actor": "nobody", "bogus": True}
    e = refused(engine, several)
    assert len(e.errors) >= 2
    assert {x["code"] for x in e.errors} >= {"R001", "R003"}


def test_policy_error(tmp_path):
    broken = tmp_path / "broken.juris"
    broken.write_text("policy \"X\" {\n  this is not juris\n}\n")
    with pytest.raises(juris.PolicyError) as caught:
        juris.Engine.load(broken)
    e = caught.value
    assert isinstance(e, juris.JurisError)
    assert e.diagnostics
    first = e.diagnostics[0]
    assert set(first) >= {"code", "name", "message", "file", "line", "help"}
    assert first["file"].endswith("broken.juris")
    assert first["line"] >= 1
    assert first["code"] in str(e)


def test_missing_policy_path(tmp_path):
    with pytest.raises(juris.PolicyError):
        juris.Engine.load(tmp_path / "nothing-here")


def test_decide_explained_matches_juris_eval(all_engine):
    from conftest import run_cli

    for path in sorted((ROOT / "examples").glob("*/*.json")):
        done = run_cli("eval", str(ROOT / "policies"), "--request", str(path), "--format", "json")
        assert done.returncode == 0, done.stderr
        expected = json.loads(done.stdout)
        assert all_engine.decide(json.loads(path.read_text()), explain=True) == expected, path


def test_engine_is_shared_across_threads(engine):
    from concurrent.futures import ThreadPoolExecutor

    table = generate(5000, seed=5)
    expected = engine.decide_batch(table, key="customer_id")
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: engine.decide_batch(table, key="customer_id"), range(4)))
    assert all(out.equals(expected) for out in outs)


def test_engine_is_not_pickled(engine):
    import pickle

    with pytest.raises(TypeError, match="juris.spark.decide"):
        pickle.dumps(engine)


def test_spark_module_is_an_attribute():
    assert juris.spark.decide.__doc__
