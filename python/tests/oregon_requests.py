"""Random Oregon requests (OAR 860-086-0030) as a pyarrow Table, for tests and benchmarks.

Deterministic by seed. A row per request, with a ``customer_id`` key (``"c0000001"`` …),
``jurisdiction`` ``"OR"`` and the vocabulary's facts as flat dotted columns
(``customer.usage_amw``). Some cells are null (unknown facts), and a small share of rows
are invalid on purpose: a ``data`` value that is no member (``favorite_color``, R003) or a
negative ``customer.usage_amw`` (R006). This is test data, not part of the package.
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ACTORS = ["electric_company", "administrator", "administrator_contractor"]
ACTIONS = ["transfer", "use", "disclose", "contact", "notify"]
RECIPIENTS = [
    "administrator", "electric_company", "third_party", "utility_service_contractor",
    "contractor", "subcontractor", "customer",
]
DATA = [
    "customer_name", "service_address", "mailing_address", "in_service_date", "building_type",
    "business_type", "usage_history", "meter_number", "rate_schedule", "self_direct_credits",
    "efficiency_participation", "space_heat_type", "usage_updates", "contracted_kwh", "ssn",
    "billing_payment_history", "credit_information", "tax_id", "drivers_license",
    "life_support_information", "medical_information", "transfer_consent_status",
]
DATA_SOURCES = ["electric_company", "administrator"]
PURPOSES = ["program_administration", "telemarketing", "direct_marketing", "utility_business", "other"]
NOTICES = ["opt_in_opportunity", "pre_transfer"]
BOOLS = [
    "customer.opted_in", "customer.authorized_transfer", "customer.opted_out_in_writing",
    "customer.incentive_agreement_covers_data", "customer.password_protected",
    "customer.requested_no_third_party_sharing", "customer.requested_no_transfer",
    "customer.agreed_otherwise_with_administrator", "customer.written_consent",
    "customer.do_not_contact", "customer.pre_transfer_notice_sent", "account.unmetered",
    "administrator.safeguards_in_place", "agreement.information_transfer_agreement",
    "recipient_agreement.confidentiality_signed", "recipient_agreement.approved_by_administrator",
    "program.electric_company_funded",
]

UNKNOWN_MEMBER = "favorite_color"


def generate(n: int, seed: int = 7, invalid: float = 0.005, null: float = 0.1) -> pa.Table:
    """``n`` random Oregon requests; ``invalid`` of them have an unknown ``data`` member and
    as many a negative usage; each optional cell is null with probability ``null``."""
    rng = np.random.default_rng(seed)

    def nulls(p: float) -> np.ndarray:
        return rng.random(n) < p

    def enum(values, p_null: float = 0.0) -> pa.Array:
        picks = np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]
        return pa.array(picks, type=pa.string(), mask=nulls(p_null) if p_null else None)

    columns = {
        "customer_id": pa.array([f"c{i:07d}" for i in range(1, n + 1)], type=pa.string()),
        "jurisdiction": pa.array(["OR"] * n, type=pa.string()),
        "actor": enum(ACTORS),
        "action": enum(ACTIONS),
        "recipient": enum(RECIPIENTS, null / 2),
        "data": None,
        "data_source": enum(DATA_SOURCES, null),
        "purpose": enum(PURPOSES, null),
        "notice": enum(NOTICES, null * 3),
    }
    data = np.asarray(DATA, dtype=object)[rng.integers(0, len(DATA), n)]
    data[rng.random(n) < invalid] = UNKNOWN_MEMBER
    columns["data"] = pa.array(data, type=pa.string())
    usage = np.round(rng.exponential(1.2, n), 3)
    usage[rng.random(n) < invalid] = -1.0
    columns["customer.usage_amw"] = pa.array(usage, type=pa.float64(), mask=nulls(null))
    for name in BOOLS:
        columns[name] = pa.array(rng.random(n) < 0.5, type=pa.bool_(), mask=nulls(null))
    return pa.table(columns)


def write_parquet(n: int, path: str, seed: int = 7, row_group_size: int = 65536) -> None:
    """Writes ``generate(n, seed)`` to a Parquet file."""
    pq.write_table(generate(n, seed), path, row_group_size=row_group_size)


if __name__ == "__main__":
    write_parquet(int(sys.argv[1]), sys.argv[2])
