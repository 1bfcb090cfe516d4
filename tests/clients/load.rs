//! A bounded load test for `webcare-lint serve` on loopback (std only; built with plain
//! `rustc -O` by .ci/serve-checks.sh, not a cargo target).
//!
//! Usage: load HOST:PORT SECONDS MAX_REQUESTS CONNECTIONS PATH
//! Each connection sends one-draft checks over keep-alive until the time or the request
//! budget runs out, then the figures are printed: requests/s, p50, p99, max, errors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const DRAFT: &str = "Hoi Sanne, wat vervelend dat je pakket nog niet binnen is! Bel even met \
onze klantenservice, die kunnen je verder helpen. We gaan ernaar kijken. ^Joris";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!("usage: load HOST:PORT SECONDS MAX_REQUESTS CONNECTIONS PATH");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let seconds: u64 = args[2].parse().expect("SECONDS");
    let max: usize = args[3].parse().expect("MAX_REQUESTS");
    let conns: usize = args[4].parse().expect("CONNECTIONS");
    let path = args[5].clone();
    let (ctype, body) = if path.starts_with("/v1/") {
        let escaped = DRAFT.replace('\\', "\\\\").replace('"', "\\\"");
        (
            "application/json",
            format!("{{\"text\":\"{escaped}\",\"channel\":\"x\"}}"),
        )
    } else {
        let form: String = DRAFT
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        (
            "application/x-www-form-urlencoded",
            format!("language=nl-NL&text={form}"),
        )
    };
    let request = Arc::new(format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let budget = Arc::new(AtomicUsize::new(max));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..conns)
        .map(|_| {
            let (addr, request, budget) = (addr.clone(), request.clone(), budget.clone());
            thread::spawn(move || run(&addr, &request, &budget, deadline))
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.join().expect("load thread");
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    let n = latencies.len();
    println!(
        "load {path}: {n} requests in {elapsed:.1} s over {conns} connections: {:.0} requests/s; \
         latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {errors} errors",
        n as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0),
    );
    if errors > 0 || n == 0 {
        std::process::exit(1);
    }
}

/// One keep-alive connection; returns the latencies of good answers and the error count.
fn run(
    addr: &str,
    request: &str,
    budget: &AtomicUsize,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
    while Instant::now() < deadline {
        if budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
            .is_err()
        {
            break;
        }
        if conn.is_none() {
            match connect(addr) {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    errors += 1;
                    continue;
                }
            }
        }
        let (w, r) = conn.as_mut().expect("connected");
        let t = Instant::now();
        match exchange(w, r, request) {
            Ok((200, keep)) => {
                latencies.push(t.elapsed());
                if !keep {
                    conn = None;
                }
            }
            _ => {
                errors += 1;
                conn = None;
            }
        }
    }
    (latencies, errors)
}

fn connect(addr: &str) -> std::io::Result<(TcpStream, BufReader<TcpStream>)> {
    let s = TcpStream::connect(addr)?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let r = BufReader::new(s.try_clone()?);
    Ok((s, r))
}

/// Sends one request, reads the response; the status and whether the connection stays open.
fn exchange(
    w: &mut TcpStream,
    r: &mut BufReader<TcpStream>,
    request: &str,
) -> std::io::Result<(u16, bool)> {
    w.write_all(request.as_bytes())?;
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (mut len, mut keep) = (0usize, true);
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let h = line.trim_end();
        if h.is_empty() {
            break;
        }
        let lower = h.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        } else if lower == "connection: close" {
            keep = false;
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok((status, keep))
}
