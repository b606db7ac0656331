"""Juris from Python: one request, then a table of requests (run from the repository root)."""

import pyarrow as pa

import juris

engine = juris.Engine.load("policies/oregon")

# One request: the decision contract, as `juris eval --format json` gives it.
decision = engine.decide({
    "jurisdiction": "OR",
    "actor": "electric_company",
    "action": "transfer",
    "recipient": "administrator",
    "data": "meter_number",
    "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": True},
    "administrator": {"safeguards_in_place": True},
    "agreement": {"information_transfer_agreement": True},
})
print(decision["decision"], decision["cites"])

# A table: a request per row, columns named by fact; a null is a fact not given.
requests = pa.table({
    "customer_id": ["c1", "c2", "c3"],
    "jurisdiction": ["OR", "OR", "OR"],
    "actor": ["electric_company"] * 3,
    "action": ["transfer"] * 3,
    "recipient": ["administrator"] * 3,
    "data": ["meter_number", "ssn", "favorite_color"],
    "customer.usage_amw": [0.3, 2.5, None],
    "customer.pre_transfer_notice_sent": [True, None, True],
})
decided = engine.decide_batch(requests, key="customer_id")   # a pyarrow.Table
print(decided.select(["customer_id", "decision", "error_code"]).to_pandas())

# A request the vocabulary refuses raises juris.RequestError with its code.
try:
    engine.decide({"jurisdiction": "OR", "actor": "nobody"})
except juris.RequestError as e:
    print(e.code, e.message)
