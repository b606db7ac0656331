//! Juris: policy-as-code for law.
//!
//! Compliance lawyers encode a statute subsection by subsection in a `.juris` policy;
//! Juris parses it ([`syntax`]), checks it against its vocabulary and against the
//! statute's own text ([`check`]), compiles it into an evaluation tree ([`ir`]), and decides
//! requests ([`eval`]) with an explanation that cites the law ([`explain`]).
//!
//! ```
//! use juris::{Engine, Outcome};
//!
//! // Load, check and compile once; the engine is immutable and `Send + Sync`.
//! let engine = Engine::load(&["policies/oregon"]).expect("the shipped policy checks clean");
//! let request = serde_json::json!({
//!     "jurisdiction": "OR",
//!     "actor": "electric_company", "action": "transfer", "recipient": "administrator",
//!     "data": "ssn",
//!     "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true},
//!     "administrator": {"safeguards_in_place": true},
//!     "agreement": {"information_transfer_agreement": true}
//! });
//! let (policy, request) = engine.request_from_json(&request).expect("a valid request");
//! let decision = engine.decide(policy, &request);
//! assert_eq!(decision.outcome, Outcome::Prohibited);
//! assert_eq!(policy.cite_of(decision.cites[0]), "OAR 860-086-0030(3)(a)");
//! ```

pub mod ask;
pub mod ast;
pub mod batch;
pub mod check;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod decision_log;
pub mod diagnostic;
pub mod diff;
mod engine;
pub mod eval;
pub mod explain;
pub mod fix;
pub mod fmt;
mod graph;
pub mod ir;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod receipt;
pub mod replay;
pub mod report;
pub mod request;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod source;
pub mod statute;
pub mod suite;
pub mod syntax;
#[cfg(test)]
mod testing;
pub mod value;

pub use engine::Engine;
pub use eval::{Decision, Outcome};
pub use ir::Policy;
pub use request::Request;
