//! Renderers for diagnostics, one small module per format.

pub mod json;
