//! Juris: policy-as-code for law.
