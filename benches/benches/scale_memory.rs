//! Time and memory of load + check + compile at 100, 1,000 and 10,000 generated
//! provisions (`juris_bench::scale`; 10,000 are two files of 5,000, the statute text's
//! numbering going to four digits). Each size is loaded in a fresh child process, which
//! reports its resident memory (Linux `/proc/self/status`) before and after: the peak
//! (`VmHWM`) and what the loaded engine keeps (`VmRSS`). Per provision, both should stay
//! flat as the policy grows. (The crate forbids `unsafe`, so no counting allocator.)
//!
//! Run: `cargo bench -p juris-bench --bench scale_memory`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use juris_bench::scale;
use std::process::Command;
use std::time::Instant;

/// A field of `/proc/self/status`, in kB.
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// In the child: loads the generated policy of size `n` and prints
/// `leaves time_ms rss_before_kb rss_after_kb peak_kb`.
fn child(n: usize) {
    let dir = scale::temp_dir(n);
    let path = scale::write(&dir, n).expect("the generated policy is written");
    let before = status_kb("VmRSS:").unwrap_or(0);
    let start = Instant::now();
    let engine = scale::load(&path).expect("the generated policy loads");
    let time = start.elapsed();
    let after = status_kb("VmRSS:").unwrap_or(0);
    let peak = status_kb("VmHWM:").unwrap_or(0);
    let leaves = scale::leaves(&engine);
    println!(
        "{leaves} {} {before} {after} {peak}",
        time.as_secs_f64() * 1e3
    );
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(args[i + 1].parse().expect("a size"));
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: be quick then.
    let quick = !args.iter().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1_000, 10_000] };
    let exe = std::env::current_exe().expect("this program");
    println!("scale: load + check + compile of generated policies (juris_bench::scale), one process each");
    println!(
        "{:>11} {:>7} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "provisions", "leaves", "time", "rss added", "peak", "added/prov", "time/prov"
    );
    for &n in sizes {
        let out = Command::new(&exe)
            .args(["--child", &n.to_string()])
            .output()
            .expect("the child runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<f64> = text
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        let [leaves, ms, before, after, peak] = fields[..] else {
            panic!(
                "the child said {text:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let added = (after - before).max(0.0);
        println!(
            "{:>11} {:>7} {:>8.1}ms {:>8.1}MB {:>8.1}MB {:>10.2}kB {:>10.1}µs",
            n,
            leaves,
            ms,
            added / 1e3,
            (peak - before).max(0.0) / 1e3,
            added / n as f64,
            ms * 1e3 / n as f64
        );
    }
}
