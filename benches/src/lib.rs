//! Benchmark workloads shared by the criterion benches.
//!
//! This crate compares Juris with two established policy engines, Cedar
//! (`cedar-policy`) and Rego (`regorus`, both its tree-walking interpreter and
//! its RVM bytecode VM), on one reduced policy: six rules of OAR 860-086-0030
//! ("Electric Company Transfer of Data", Oregon). A request asks whether the
//! electric company may transfer one element of a customer's information to
//! the Administrator; the answer is [`Outcome::Required`] or
//! [`Outcome::Prohibited`] together with exactly one citation.
//!
//! The rules, applied in order (the first that applies decides):
//!
//! 1. the element is one of the seven listed in section (3)(a)–(g)
//!    → prohibited, citing that paragraph;
//! 2. the customer's information is password protected → prohibited, (3)(h);
//! 3. the customer asked that its information not be shared with third
//!    parties → prohibited, (3)(i);
//! 4. the customer asked that its information not be transferred and gave no
//!    written consent → prohibited, (13);
//! 5. usage is 1 aMW or more and the customer did not opt in → customer name,
//!    service address and self-direct credits are required, everything else
//!    is prohibited, both citing (11)(a);
//! 6. otherwise the element is required, citing its paragraph of section (2).
//!
//! The library holds only what every engine needs: the request type
//! ([`TransferRequest`]), the deterministic workload ([`workload`]), the
//! hand-written Rust decision function that is the performance floor
//! ([`floor`]), the Juris request shape ([`TransferRequest::to_json`]), the Juris
//! adapter ([`juris_engine`], Juris being an ordinary dependency) and the generated
//! policies of the scale benchmarks ([`scale`]) and of the static-analysis benchmarks
//! ([`oregon`]: shaped like OAR 860-086-0030, at any size up to about 25,000 provisions).
//! The Cedar and Rego adapters live with the benches and tests, because those
//! engines are dev-dependencies only.

use serde::{Deserialize, Serialize};

pub mod juris_engine;
pub mod oregon;
pub mod scale;
pub mod table;

/// The rule every citation in this crate points into.
pub const RULE: &str = "OAR 860-086-0030";

/// One element of proprietary customer information that the electric company
/// could transfer to the Administrator.
///
/// The first fourteen are listed in section (2) (the company must transfer
/// them); the last seven are listed in section (3)(a)–(g) (the company may
/// never transfer them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// (2)(a) Customer name.
    CustomerName,
    /// (2)(b) Service address.
    ServiceAddress,
    /// (2)(c) Mailing address.
    MailingAddress,
    /// (2)(d) In-service or activation date.
    InServiceDate,
    /// (2)(e) Building type.
    BuildingType,
    /// (2)(f) Business type (SIC or NAICS code).
    BusinessType,
    /// (2)(g) Historical usage data.
    UsageHistory,
    /// (2)(h) Meter number and other point-of-delivery identification numbers.
    MeterNumber,
    /// (2)(i) Rate schedule identifier.
    RateSchedule,
    /// (2)(j) Whether the customer applies self-direct credits.
    SelfDirectCredits,
    /// (2)(k) Energy efficiency program participation.
    EfficiencyParticipation,
    /// (2)(k) Type of space heat used.
    SpaceHeatType,
    /// (2)(l) Updates of usage data and database revisions.
    UsageUpdates,
    /// (2)(m) Contracted kilowatt-hour consumption of unmetered accounts.
    ContractedKwh,
    /// (3)(a) Social security numbers.
    Ssn,
    /// (3)(b) Billing and payment history.
    BillingPaymentHistory,
    /// (3)(c) Credit information.
    CreditInformation,
    /// (3)(d) Tax identification numbers.
    TaxId,
    /// (3)(e) Driver license numbers.
    DriversLicense,
    /// (3)(f) Life support information.
    LifeSupportInformation,
    /// (3)(g) Any medical information.
    MedicalInformation,
}

impl Element {
    /// All 21 elements, in the order of the rule's text.
    pub const ALL: [Element; 21] = [
        Element::CustomerName,
        Element::ServiceAddress,
        Element::MailingAddress,
        Element::InServiceDate,
        Element::BuildingType,
        Element::BusinessType,
        Element::UsageHistory,
        Element::MeterNumber,
        Element::RateSchedule,
        Element::SelfDirectCredits,
        Element::EfficiencyParticipation,
        Element::SpaceHeatType,
        Element::UsageUpdates,
        Element::ContractedKwh,
        Element::Ssn,
        Element::BillingPaymentHistory,
        Element::CreditInformation,
        Element::TaxId,
        Element::DriversLicense,
        Element::LifeSupportInformation,
        Element::MedicalInformation,
    ];

    /// The element's snake_case name, as used in requests and policies
    /// (e.g. `"billing_payment_history"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Element::CustomerName => "customer_name",
            Element::ServiceAddress => "service_address",
            Element::MailingAddress => "mailing_address",
            Element::InServiceDate => "in_service_date",
            Element::BuildingType => "building_type",
            Element::BusinessType => "business_type",
            Element::UsageHistory => "usage_history",
            Element::MeterNumber => "meter_number",
            Element::RateSchedule => "rate_schedule",
            Element::SelfDirectCredits => "self_direct_credits",
            Element::EfficiencyParticipation => "efficiency_participation",
            Element::SpaceHeatType => "space_heat_type",
            Element::UsageUpdates => "usage_updates",
            Element::ContractedKwh => "contracted_kwh",
            Element::Ssn => "ssn",
            Element::BillingPaymentHistory => "billing_payment_history",
            Element::CreditInformation => "credit_information",
            Element::TaxId => "tax_id",
            Element::DriversLicense => "drivers_license",
            Element::LifeSupportInformation => "life_support_information",
            Element::MedicalInformation => "medical_information",
        }
    }

    /// The element with the given snake_case name, if there is one.
    pub fn from_name(name: &str) -> Option<Element> {
        Element::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// The section (3) citation that forbids transferring this element, if it
    /// is one of the seven listed in (3)(a)–(g).
    pub const fn section_3_cite(self) -> Option<&'static str> {
        match self {
            Element::Ssn => Some("OAR 860-086-0030(3)(a)"),
            Element::BillingPaymentHistory => Some("OAR 860-086-0030(3)(b)"),
            Element::CreditInformation => Some("OAR 860-086-0030(3)(c)"),
            Element::TaxId => Some("OAR 860-086-0030(3)(d)"),
            Element::DriversLicense => Some("OAR 860-086-0030(3)(e)"),
            Element::LifeSupportInformation => Some("OAR 860-086-0030(3)(f)"),
            Element::MedicalInformation => Some("OAR 860-086-0030(3)(g)"),
            _ => None,
        }
    }

    /// The section (2) citation that requires transferring this element, if
    /// it is one of the fourteen listed in (2)(a)–(m).
    pub const fn section_2_cite(self) -> Option<&'static str> {
        match self {
            Element::CustomerName => Some("OAR 860-086-0030(2)(a)"),
            Element::ServiceAddress => Some("OAR 860-086-0030(2)(b)"),
            Element::MailingAddress => Some("OAR 860-086-0030(2)(c)"),
            Element::InServiceDate => Some("OAR 860-086-0030(2)(d)"),
            Element::BuildingType => Some("OAR 860-086-0030(2)(e)"),
            Element::BusinessType => Some("OAR 860-086-0030(2)(f)"),
            Element::UsageHistory => Some("OAR 860-086-0030(2)(g)"),
            Element::MeterNumber => Some("OAR 860-086-0030(2)(h)"),
            Element::RateSchedule => Some("OAR 860-086-0030(2)(i)"),
            Element::SelfDirectCredits => Some("OAR 860-086-0030(2)(j)"),
            Element::EfficiencyParticipation | Element::SpaceHeatType => {
                Some("OAR 860-086-0030(2)(k)")
            }
            Element::UsageUpdates => Some("OAR 860-086-0030(2)(l)"),
            Element::ContractedKwh => Some("OAR 860-086-0030(2)(m)"),
            _ => None,
        }
    }

    /// Whether (11)(a) still requires this element for an over 1 aMW customer
    /// who did not opt in: name, service address and self-direct credits.
    pub const fn is_over_1_amw_minimum(self) -> bool {
        matches!(
            self,
            Element::CustomerName | Element::ServiceAddress | Element::SelfDirectCredits
        )
    }
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rule says about one transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The electric company must transfer the element.
    Required,
    /// The electric company may not transfer the element.
    Prohibited,
}

impl Outcome {
    /// `"required"` or `"prohibited"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Required => "required",
            Outcome::Prohibited => "prohibited",
        }
    }

    /// The outcome with the given name (`"required"` or `"prohibited"`).
    pub fn from_name(name: &str) -> Option<Outcome> {
        match name {
            "required" => Some(Outcome::Required),
            "prohibited" => Some(Outcome::Prohibited),
            _ => None,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision as every engine adapter reports it: the outcome and the
/// citations that determine it (exactly one for this policy).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// Required or prohibited.
    pub decision: Outcome,
    /// Full citations, e.g. `"OAR 860-086-0030(2)(h)"`.
    pub cites: Vec<String>,
}

impl From<(Outcome, &str)> for Decision {
    fn from((decision, cite): (Outcome, &str)) -> Self {
        Decision {
            decision,
            cites: vec![cite.to_owned()],
        }
    }
}

/// One question: may the electric company transfer `element` of this
/// customer's information to the Administrator?
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// The element of customer information to transfer.
    pub element: Element,
    /// The customer's usage in average megawatts (aMW).
    pub usage_amw: f64,
    /// An over 1 aMW customer opted in to the transfer ((11)).
    pub opted_in: bool,
    /// The information is protected by the password provision ((3)(h)).
    pub password_protected: bool,
    /// The customer asked that its information not be shared with third
    /// parties ((3)(i)).
    pub requested_no_third_party_sharing: bool,
    /// The customer asked that its information not be transferred ((13)).
    pub requested_no_transfer: bool,
    /// The customer gave written consent to the transfer ((13)).
    pub written_consent: bool,
}

impl TransferRequest {
    /// The request in Juris's request shape:
    ///
    /// ```json
    /// {"jurisdiction": "OR", "actor": "electric_company", "action": "transfer",
    ///  "recipient": "administrator", "data": "<element>",
    ///  "customer": {"usage_amw": 1.0, "opted_in": false, "password_protected": false,
    ///               "requested_no_third_party_sharing": false,
    ///               "requested_no_transfer": false, "written_consent": false}}
    /// ```
    ///
    /// The Rego adapters use the same shape as their `input` document.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "jurisdiction": "OR",
            "actor": "electric_company",
            "action": "transfer",
            "recipient": "administrator",
            "data": self.element.as_str(),
            "customer": {
                "usage_amw": self.usage_amw,
                "opted_in": self.opted_in,
                "password_protected": self.password_protected,
                "requested_no_third_party_sharing": self.requested_no_third_party_sharing,
                "requested_no_transfer": self.requested_no_transfer,
                "written_consent": self.written_consent,
            }
        })
    }
}

/// Number of requests in the standard workload used by the benches and the
/// agreement test.
pub const WORKLOAD_SIZE: usize = 10_000;

/// `n` deterministic requests covering every element, every combination of
/// the five booleans, and usage on both sides of the 1 aMW threshold.
///
/// Request `i` uses element `i % 21` and flag combination `(i / 21) % 32`
/// (bit 0 `opted_in`, bit 1 `password_protected`, bit 2
/// `requested_no_third_party_sharing`, bit 3 `requested_no_transfer`, bit 4
/// `written_consent`), so the first 672 requests already cover every
/// (element, flags) pair. Usage is a whole number of hundredths in
/// `[0.00, 3.00]` drawn from a fixed 64-bit linear congruential generator;
/// every tenth request (`i % 10 == 7`) has usage exactly `1.0`, the
/// threshold of section (11).
pub fn workload(n: usize) -> Vec<TransferRequest> {
    let mut state: u64 = 0x0A11_CE5E_ED00_2012;
    (0..n)
        .map(|i| {
            // Knuth's MMIX constants; the high bits are the well-mixed ones.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let hundredths = if i % 10 == 7 {
                100
            } else {
                (state >> 33) % 301
            };
            let flags = (i / 21) % 32;
            TransferRequest {
                element: Element::ALL[i % 21],
                // Exact: hundredths <= 300 and the division rounds correctly,
                // so 100 gives exactly 1.0.
                usage_amw: hundredths as f64 / 100.0,
                opted_in: flags & 1 != 0,
                password_protected: flags & 2 != 0,
                requested_no_third_party_sharing: flags & 4 != 0,
                requested_no_transfer: flags & 8 != 0,
                written_consent: flags & 16 != 0,
            }
        })
        .collect()
}

/// The hand-written Rust decision: the performance floor every engine is
/// measured against, and the reference the agreement test checks them with.
///
/// Returns the outcome and its one citation.
pub fn floor(req: &TransferRequest) -> (Outcome, &'static str) {
    if let Some(cite) = req.element.section_3_cite() {
        return (Outcome::Prohibited, cite);
    }
    if req.password_protected {
        return (Outcome::Prohibited, "OAR 860-086-0030(3)(h)");
    }
    if req.requested_no_third_party_sharing {
        return (Outcome::Prohibited, "OAR 860-086-0030(3)(i)");
    }
    if req.requested_no_transfer && !req.written_consent {
        return (Outcome::Prohibited, "OAR 860-086-0030(13)");
    }
    if req.usage_amw >= 1.0 && !req.opted_in {
        let outcome = if req.element.is_over_1_amw_minimum() {
            Outcome::Required
        } else {
            Outcome::Prohibited
        };
        return (outcome, "OAR 860-086-0030(11)(a)");
    }
    match req.element.section_2_cite() {
        Some(cite) => (Outcome::Required, cite),
        // Unreachable: every element is in section (2) or section (3), and
        // section (3) elements returned above.
        None => (Outcome::Prohibited, RULE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn element_names_round_trip() {
        for e in Element::ALL {
            assert_eq!(Element::from_name(e.as_str()), Some(e));
            let json = serde_json::to_value(e).ok();
            assert_eq!(json, Some(serde_json::Value::from(e.as_str())));
            assert!(e.section_2_cite().is_some() != e.section_3_cite().is_some());
        }
    }

    #[test]
    fn workload_covers_elements_flags_and_threshold() {
        let w = workload(WORKLOAD_SIZE);
        assert_eq!(w.len(), WORKLOAD_SIZE);
        let pairs: HashSet<(Element, [bool; 5])> = w
            .iter()
            .map(|r| {
                (
                    r.element,
                    [
                        r.opted_in,
                        r.password_protected,
                        r.requested_no_third_party_sharing,
                        r.requested_no_transfer,
                        r.written_consent,
                    ],
                )
            })
            .collect();
        assert_eq!(pairs.len(), 21 * 32);
        assert!(w.iter().any(|r| r.usage_amw < 1.0));
        assert!(w.iter().any(|r| r.usage_amw > 1.0));
        assert!(w.iter().any(|r| r.usage_amw == 1.0));
        assert!(w.iter().any(|r| r.usage_amw == 0.0));
        assert!(w.iter().any(|r| r.usage_amw == 3.0));
        assert!(w.iter().all(|r| (0.0..=3.0).contains(&r.usage_amw)));
        assert_eq!(workload(50), w[..50]);
    }

    #[test]
    fn floor_reaches_every_cite() {
        let cites: HashSet<(Outcome, &str)> = workload(WORKLOAD_SIZE).iter().map(floor).collect();
        // 7 (3)(a)-(g) + (3)(h) + (3)(i) + (13) + (11)(a) twice + 13 (2) letters.
        assert_eq!(cites.len(), 7 + 3 + 2 + 13);
        assert!(!cites.contains(&(Outcome::Prohibited, RULE)));
    }

    #[test]
    fn floor_examples() {
        let base = TransferRequest {
            element: Element::MeterNumber,
            usage_amw: 0.5,
            opted_in: false,
            password_protected: false,
            requested_no_third_party_sharing: false,
            requested_no_transfer: false,
            written_consent: false,
        };
        assert_eq!(floor(&base), (Outcome::Required, "OAR 860-086-0030(2)(h)"));
        let at_threshold = TransferRequest {
            usage_amw: 1.0,
            ..base
        };
        assert_eq!(
            floor(&at_threshold),
            (Outcome::Prohibited, "OAR 860-086-0030(11)(a)")
        );
        let name = TransferRequest {
            element: Element::CustomerName,
            ..at_threshold
        };
        assert_eq!(floor(&name), (Outcome::Required, "OAR 860-086-0030(11)(a)"));
        let opted = TransferRequest {
            opted_in: true,
            ..at_threshold
        };
        assert_eq!(floor(&opted), (Outcome::Required, "OAR 860-086-0030(2)(h)"));
        let no_transfer = TransferRequest {
            requested_no_transfer: true,
            ..at_threshold
        };
        assert_eq!(
            floor(&no_transfer),
            (Outcome::Prohibited, "OAR 860-086-0030(13)")
        );
        let consented = TransferRequest {
            written_consent: true,
            ..no_transfer
        };
        assert_eq!(
            floor(&consented),
            (Outcome::Prohibited, "OAR 860-086-0030(11)(a)")
        );
        let ssn = TransferRequest {
            element: Element::Ssn,
            password_protected: true,
            ..base
        };
        assert_eq!(floor(&ssn), (Outcome::Prohibited, "OAR 860-086-0030(3)(a)"));
        let json = base.to_json();
        assert_eq!(json["data"], "meter_number");
        assert_eq!(json["customer"]["usage_amw"], 0.5);
        assert_eq!(json["recipient"], "administrator");
    }
}
