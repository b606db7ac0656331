//! Benchmark workloads shared by the criterion benches.
