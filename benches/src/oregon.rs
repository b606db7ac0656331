//! A generated policy shaped like OAR 860-086-0030, scaled to `n` deciding provisions: the
//! workload of the static-analysis benchmarks (`juris check`, `juris lint`).
//!
//! The vocabulary is the Oregon rule's (actor, action, recipient, data, purpose, …, the
//! customer's usage in aMW and its booleans). After two provisions that hold for every
//! customer, the provisions come in groups of four, one group per usage band `b`
//! (`customer.usage_amw > b and customer.usage_amw <= b + 1`), each group shaped like one
//! of the rule's sections:
//!
//! - like (2): the electric company must transfer three items (three subsections, one
//!   of them with a boolean, one with an obligation);
//! - like (3): it may not transfer two items, nor any item of a password-protected
//!   account (three subsections), overriding the group's first provision;
//! - like (5): what the electric company may do with information from the Administrator
//!   (three rules: a use permitted, a use prohibited, a disclosure `permitted only if`);
//! - like (6)(f): a release by the Administrator, `permitted only if` consent or a
//!   confidentiality agreement.
//!
//! Definitions are read by every group, never copied. The policy lints clean: provisions
//! of different groups cannot apply together (their bands are disjoint), and within a group
//! the only provisions that can apply together with opposite effects are ordered by
//! `overrides`. Every cite is distinct and the statute text beside the policy has one
//! numbered subsection per provision, so that coverage is complete.
//!
//! At 9,337 deciding provisions the policy file is about 3 MB (the size the scale issue
//! was found at). The statute text's numbering reads at most four digits, so one file holds
//! at most [`MAX`] deciding provisions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The items the groups like (2) rotate through.
const REQUIRED: [&str; 8] = [
    "customer_name",
    "service_address",
    "mailing_address",
    "in_service_date",
    "building_type",
    "business_type",
    "meter_number",
    "rate_schedule",
];

/// The items the groups like (3) rotate through.
const FORBIDDEN: [&str; 6] = [
    "ssn",
    "billing_payment_history",
    "credit_information",
    "tax_id",
    "drivers_license",
    "medical_information",
];

/// Deciding provisions before the first group.
const HEAD: usize = 2;

/// Deciding provisions per group: 3 + 3 + 3 + 1.
const PER_GROUP: usize = 10;

/// Top-level provisions per group.
const TOPS_PER_GROUP: usize = 4;

/// The most deciding provisions one generated file holds: top-level subsections are
/// numbered up to `(9999)`.
pub const MAX: usize = HEAD + (9_999 - 4) / TOPS_PER_GROUP * PER_GROUP;

/// The citation of the generated policy.
pub const CITATION: &str = "OAR 999-086-0030";

const HEADER: &str = r#"// Generated: a policy shaped like OAR 860-086-0030, scaled (juris_bench::oregon).

policy "OAR 999-086-0030" {
  title "Electric Company Transfer of Data, by usage band"
  jurisdiction "OR-GEN"
  text "oar-999-086-0030.txt"
  effective 2012-08-24
}

vocabulary {
  actor: electric_company "the electric company"
       | administrator "the Administrator"
       | administrator_contractor "a contractor of the Administrator"
    "who acts"
  action: transfer "a transfer" | use "a use" | disclose "a disclosure"
        | contact "an unsolicited contact" | notify "a notice to customers"
    "what is done with the information"
  recipient: administrator "the Administrator"
           | electric_company "the electric company"
           | third_party "a third party"
           | utility_service_contractor "a contractor providing utility services"
           | contractor "a contractor of the Administrator"
           | subcontractor "a subcontractor"
           | customer "the customer"
    "to whom the information goes"
  data: customer_name "the customer's name"
      | service_address "the service address"
      | mailing_address "the mailing address"
      | in_service_date "the in-service date"
      | building_type "the building type"
      | business_type "the business type"
      | usage_history "the historical usage data"
      | meter_number "the meter number"
      | rate_schedule "the rate schedule"
      | ssn "a social security number"
      | billing_payment_history "the billing and payment history"
      | credit_information "credit information"
      | tax_id "a tax identification number"
      | drivers_license "a driver license number"
      | medical_information "medical information"
    "the item of proprietary customer information"
  data_source: electric_company "the electric company" | administrator "the Administrator"
    "where the information came from"
  purpose: program_administration "administering efficiency programs"
         | telemarketing "telemarketing"
         | direct_marketing "direct marketing"
         | utility_business "utility business"
         | other "another purpose"
    "why the information is used or released"
  notice: opt_in_opportunity "the notice of the opportunity to opt in"
        | pre_transfer "the notice before the transfer"
    "which notice is sent"

  customer.usage_amw: number >= 0
    "the customer's usage in average megawatts"
  customer.password_protected: bool = false
    "the information is protected by a password provision"
  customer.written_consent: bool = false
    "the customer gave written consent to the release"
  customer.do_not_contact: bool = false "the customer is on the do-not-contact list"
  account.unmetered: bool = false "the account is unmetered"
  recipient_agreement.confidentiality_signed: bool = false
    "the recipient signed an agreement to treat the information confidentially"
}

define company_transfers_to_administrator = actor is electric_company and action is transfer
    and recipient is administrator
  cites (1) "the electric company transfers information to the Administrator"

define from_administrator = actor is electric_company and data_source is administrator
  cites (1) "the electric company holds information the Administrator provided"

provision (2) "Notice before the transfer" {
  when actor is electric_company and action is notify and notice is pre_transfer
  required
  obligation "The notice must inform customers of the requirements of these rules"
}

provision (3) "Customers on the do-not-contact list" {
  when actor is one of [administrator, administrator_contractor] and action is contact
    and customer.do_not_contact
  prohibited
}

"#;

const TEXT_HEADER: &str = "CITATION:      OAR 999-086-0030 (generated for Juris's scale benchmarks)
TITLE:         Electric Company Transfer of Data, by usage band
================================================================================

999-086-0030 Electric Company Transfer of Data, by usage band

(1) In this rule, the electric company transfers information to the Administrator when it sends it proprietary customer information.

(2) Each electric company must send a notice to its customers prior to the Administrator's receipt of their proprietary customer information.

(3) The Administrator and its contractors may not contact customers on the do-not-contact list.
";

/// The generated policy file and its statute text, for about `n` deciding provisions:
/// the two that open the policy and whole groups of ten (`n` rounded down to fit, at most
/// [`MAX`]).
pub fn generate(n: usize) -> (String, String) {
    let groups = n.min(MAX).saturating_sub(HEAD) / PER_GROUP;
    let mut policy = String::with_capacity(groups * 3_300 + HEADER.len());
    let mut text = String::with_capacity(groups * 1_000 + TEXT_HEADER.len());
    policy.push_str(HEADER);
    text.push_str(TEXT_HEADER);
    for g in 0..groups {
        let k = 4 + TOPS_PER_GROUP * g;
        let band = format!(
            "customer.usage_amw > {g} and customer.usage_amw <= {}",
            g + 1
        );
        let words = format!("over {g} and at most {} aMW", g + 1);
        let (r1, r2) = (REQUIRED[g % 8], REQUIRED[(g + 3) % 8]);
        let (f1, f2) = (FORBIDDEN[g % 6], FORBIDDEN[(g + 1) % 6]);
        let _ = write!(
            policy,
            r#"provision ({k}) "Information the electric company must transfer to the Administrator for customers {words}" {{
  when company_transfers_to_administrator
    and {band}
  reading
    "\"if available\": a question about an item is taken to be about an item the electric company has"
  required
  (a) {{
    when data is {r1}
    obligation "Transfer the item in the database format the Information Transfer Agreement specifies"
  }}
  (b) {{
    when data is one of [{r2}, usage_history] and not account.unmetered
    obligation "Transfer the updates on the periodic basis the Information Transfer Agreement sets"
  }}
  (c) when data is usage_history and account.unmetered
}}

provision ({}) "Information the electric company may not transfer to the Administrator for customers {words}" {{
  when company_transfers_to_administrator
    and {band}
  reading
    "\"may not transfer\": the ban holds whether or not (a) or (b) names an item the group's transfer duty lists, and it holds for every item of a password-protected account"
  prohibited
  overrides ({k})
  (a) when data is {f1}
  (b) when data is {f2}
  (c) when customer.password_protected
}}

provision ({}) "Information the Administrator provides to the electric company about customers {words}" {{
  when from_administrator and {band}
  reading
    "unlike the Administrator's own use, the electric company's use of the information the Administrator provides does not single out telemarketing: any use other than utility business is prohibited"
  rule "may be used by the electric company solely for utility business" {{
    when action is use and purpose is utility_business
    permitted
  }}
  rule "may not be used for any other purpose" {{
    when action is use and purpose is one of [program_administration, telemarketing, other]
    prohibited
  }}
  rule "may not be shared with third parties, except for those providing utility services under contracts requiring that it be treated confidentially" {{
    when action is disclose and recipient is not one of [administrator, electric_company]
    permitted only if recipient is utility_service_contractor
      and recipient_agreement.confidentiality_signed
  }}
}}

provision ({}) "Release by the Administrator of information about customers {words}" {{
  when actor is administrator and action is disclose and recipient is not electric_company
    and {band}
  reading
    "a party \"who has signed an agreement to treat such information confidentially\" is one of the Administrator's contractors or their subcontractors; a release without the customer's consent is allowed only to such a party and only for program administration"
  permitted only if customer.written_consent
    or (recipient is one of [contractor, subcontractor]
      and recipient_agreement.confidentiality_signed and purpose is program_administration)
}}

"#,
            k + 1,
            k + 2,
            k + 3,
        );
        let _ = write!(
            text,
            "\n({k}) For customers whose usage is {words}, an electric company must transfer to the Administrator the following proprietary customer information, if available.\n  (a) The item {r1};\n  (b) The item {r2}, and the historical usage data of metered accounts;\n  (c) For unmetered accounts, the contracted consumption.\n\
             \n({}) For customers whose usage is {words}, an electric company may not transfer to the Administrator:\n  (a) The item {f1};\n  (b) The item {f2}; or\n  (c) Proprietary customer information protected by a password provision.\n\
             \n({}) The information provided by the Administrator about customers whose usage is {words} may be used by the electric company solely for utility business, may not be used for any other purpose, and may not be shared with third parties, except for those providing utility services under contracts requiring that it be treated confidentially.\n\
             \n({}) The release of proprietary customer information about customers whose usage is {words} by the Administrator to any party other than the electric company may not be made without the consent of the customer, unless to a contractor who signed a confidentiality agreement, for program administration.\n",
            k + 1,
            k + 2,
            k + 3,
        );
    }
    (policy, text)
}

/// How many deciding provisions [`generate`] makes for `n`.
pub fn provisions(n: usize) -> usize {
    HEAD + n.min(MAX).saturating_sub(HEAD) / PER_GROUP * PER_GROUP
}

/// Writes the generated policy for `n` deciding provisions into `dir` (created if
/// needed), as `oar-999-086-0030.juris` beside its statute text, and returns the policy
/// file's path.
pub fn write(dir: &Path, n: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (policy, text) = generate(n);
    let path = dir.join("oar-999-086-0030.juris");
    std::fs::write(&path, policy)?;
    std::fs::write(dir.join("oar-999-086-0030.txt"), text)?;
    Ok(path)
}

/// Parses, checks and compiles the generated policy for `n` deciding provisions as
/// `juris check` does, its statute text in memory; on failure, the diagnostics' codes and
/// messages.
pub fn compile(n: usize) -> Result<juris::ir::Policy, String> {
    let (policy, text) = generate(n);
    let read = |_: &Path| Ok(text.clone());
    juris::load::compile_with(
        juris::source::SourceFile::new("oar-999-086-0030.juris", policy),
        Path::new("."),
        &read,
    )
    .map_err(|file| {
        file.diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.code, d.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    #[test]
    fn the_policy_has_the_provisions_asked_for() {
        let (policy, _) = super::generate(102);
        assert_eq!(super::provisions(102), 102);
        assert_eq!(policy.matches("provision (").count(), 2 + 40);
    }
}
