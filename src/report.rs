//! Renderers for diagnostics, one small module per format.

pub mod github;
pub mod json;
pub mod junit;
pub mod sarif;
