"""`juris.spark.PolicyBundle`: the policy files shipped to Spark's workers (no JVM here)."""

from __future__ import annotations

import shutil

import pytest

import juris
from conftest import OREGON, ROOT
from juris.spark import PolicyBundle

EXAMPLE = {"jurisdiction": "OR", "actor": "electric_company", "action": "transfer",
           "recipient": "administrator", "data": "meter_number", "customer": {"usage_amw": 0.3}}


def test_directory_bundle_carries_every_file(engine):
    bundle = PolicyBundle.read(OREGON)
    names = {name.split("/", 2)[2] for name, _ in bundle.files}
    on_disk = {str(p.relative_to(OREGON)) for p in OREGON.rglob("*") if p.is_file()}
    assert names == on_disk
    assert any(n.endswith(".txt") for n in names)  # the statute copies
    assert bundle.engine().decide(EXAMPLE) == engine.decide(EXAMPLE)
    assert PolicyBundle.read(OREGON).digest == bundle.digest
    assert bundle.engine() is bundle.engine()  # loaded once per process


def test_file_bundle_brings_its_siblings(engine, tmp_path):
    copy = tmp_path / "oregon"
    shutil.copytree(OREGON, copy)
    policy = copy / "oar-860-086-0030.juris"
    bundle = PolicyBundle.read(policy)
    shutil.rmtree(copy)  # the bundle no longer needs the files
    assert bundle.roots[0].endswith("/oar-860-086-0030.juris")
    assert bundle.engine().jurisdictions == ["OR"]
    assert bundle.engine().decide(EXAMPLE) == engine.decide(EXAMPLE)


def test_several_paths(all_engine):
    bundle = PolicyBundle.read([ROOT / "policies" / "oregon", ROOT / "policies" / "oklahoma"])
    assert sorted(bundle.engine().jurisdictions) == ["OK", "OR"]


def test_broken_bundle_raises_policy_error(tmp_path):
    (tmp_path / "broken.juris").write_text("not a policy\n")
    with pytest.raises(juris.PolicyError):
        PolicyBundle.read(tmp_path).engine()
    with pytest.raises(FileNotFoundError):
        PolicyBundle.read(tmp_path / "missing")
