//! A bounded load generator for `juris serve` on loopback (`scripts/serve-bench.sh`): not a
//! timed test. In one process it starts the HTTP floor (an axum handler that returns a
//! constant decision) and the service (`juris::serve`) on the shipped policies, then sends
//! each a fixed number of `POST /v1/decide` requests of the Oregon worked example over
//! keep-alive connections, and reports throughput and p50/p99 latency: without the
//! explanation, with it, and with it and the decision log. With the log it checks that the
//! log holds one line per response and that its chain verifies.
//!
//! `serve_load [REQUESTS] [CONNECTIONS]` (default 20000 requests over 16 connections).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The allocator the `juris` binary uses (src/main.rs), so that the service is measured as
/// it ships; the floor shares it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Error = Box<dyn std::error::Error + Send + Sync>;

const REQUEST: &str = r#"{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true}, "administrator": {"safeguards_in_place": true}, "agreement": {"information_transfer_agreement": true}}"#;

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let requests: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20_000);
    let connections: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(16);
    let runtime = tokio::runtime::Runtime::new()?;
    let log = std::env::temp_dir().join(format!("juris-serve-load-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&log);

    let floor = runtime.block_on(start_floor())?;
    let plain = runtime.block_on(start_service(None))?;
    let logged = runtime.block_on(start_service(Some(log.clone())))?;

    println!("{requests} requests over {connections} connections, loopback, one process");
    println!(
        "{:<44} {:>10} {:>9} {:>9} {:>7}",
        "target", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let floor_rate = report(
        "constant axum handler (the HTTP floor)",
        &floor,
        "/",
        requests,
        connections,
    )?;
    let plain_rate = report("/v1/decide", &plain, "/v1/decide", requests, connections)?;
    let explained = report(
        "/v1/decide?explain=true",
        &plain,
        "/v1/decide?explain=true",
        requests / 10,
        connections,
    )?;
    let logged_rate = report(
        "/v1/decide?explain=true, decision log on",
        &logged,
        "/v1/decide?explain=true",
        requests / 10,
        connections,
    )?;
    println!(
        "\nfloor / service: {:.2}×; explained / plain: {:.2}; explained with log / plain: {:.2}",
        floor_rate / plain_rate,
        explained / plain_rate,
        logged_rate / plain_rate
    );

    let lines = std::fs::read_to_string(&log)?.lines().count();
    let verified = juris::decision_log::verify(std::fs::File::open(&log)?)
        .map_err(|broken| format!("the decision log's chain is broken: {broken}"))?;
    println!(
        "decision log: {lines} lines for {} responses, chain verified ({} lines)",
        requests / 10,
        verified.lines
    );
    let _ = std::fs::remove_file(&log);
    if lines != requests / 10 {
        return Err("the decision log lost lines".into());
    }
    Ok(())
}

async fn start_floor() -> Result<String, Error> {
    let body = r#"{"decision":"required","cites":["OAR 860-086-0030(2)(h)"],"obligations":[],"depends_on":[],"cases":[]}"#;
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

async fn start_service(log: Option<std::path::PathBuf>) -> Result<String, Error> {
    let service = juris::serve::Service::new(juris::serve::Options {
        paths: vec!["policies".into()],
        decision_log: log,
        watch: None,
        ..juris::serve::Options::default()
    })
    .map_err(|e| format!("the service does not start: {e:?}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(juris::serve::serve(
        Arc::new(service),
        listener,
        std::future::pending(),
    ));
    Ok(addr)
}

/// Sends `requests` requests over `connections` keep-alive connections; prints a row and
/// returns the throughput.
fn report(
    label: &str,
    addr: &str,
    path: &str,
    requests: usize,
    connections: usize,
) -> Result<f64, Error> {
    let per = requests.div_ceil(connections.max(1));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (addr, path) = (addr.to_string(), path.to_string());
            std::thread::spawn(move || client(&addr, &path, per))
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    let mut errors = 0;
    for worker in workers {
        let (l, e) = worker.join().map_err(|_| "a client thread panicked")??;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let rate = latencies.len() as f64 / elapsed;
    println!(
        "{label:<44} {rate:>10.0} {:>9.3} {:>9.3} {errors:>7}",
        at(0.5),
        at(0.99)
    );
    Ok(rate)
}

/// One keep-alive connection sending `n` requests: each request's latency, and the count
/// of answers that were not 200.
fn client(addr: &str, path: &str, n: usize) -> Result<(Vec<Duration>, usize), Error> {
    let stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{REQUEST}",
        REQUEST.len()
    );
    let mut latencies = Vec::with_capacity(n);
    let mut errors = 0;
    let mut line = String::new();
    let mut body = Vec::new();
    for _ in 0..n {
        let sent = Instant::now();
        writer.write_all(head.as_bytes())?;
        line.clear();
        reader.read_line(&mut line)?;
        if !line.starts_with("HTTP/1.1 200") {
            errors += 1;
        }
        let mut length = 0usize;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                }
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
        latencies.push(sent.elapsed());
    }
    Ok((latencies, errors))
}
