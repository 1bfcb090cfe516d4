//! `webcare-lint serve` over real sockets: a server on a free loopback port, plain
//! `TcpStream` clients.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;
use webcare_lint::engine::Context;
use webcare_lint::serve::{Config, Server, Service, Shutdown};

struct Running {
    addr: SocketAddr,
    stop: Shutdown,
    handle: Option<thread::JoinHandle<std::io::Result<()>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.trigger();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn start() -> Running {
    let packs = webcare_lint::packs::builtin().expect("built-in packs load");
    let service = Service::new(&packs, Context::default());
    let server = Server::bind("127.0.0.1:0", service, Config::default()).expect("bind");
    let addr = server.local_addr().unwrap();
    let stop = server.shutdown_handle();
    let handle = Some(thread::spawn(move || server.run()));
    Running { addr, stop, handle }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Reads one response (by Content-Length) from a connection.
fn read_reply(reader: &mut impl BufRead) -> Reply {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

fn send(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    read_reply(&mut BufReader::new(s))
}

fn request(addr: SocketAddr, method: &str, target: &str, ctype: &str, body: &str) -> Reply {
    let raw = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    send(addr, raw.as_bytes())
}

fn form_check(addr: SocketAddr, form: &str) -> Reply {
    request(
        addr,
        "POST",
        "/v2/check",
        "application/x-www-form-urlencoded",
        form,
    )
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn utf16_slice(text: &str, offset: u64, length: u64) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[offset as usize..(offset + length) as usize]).unwrap()
}

#[test]
fn languages_list_dutch() {
    let srv = start();
    let r = request(srv.addr, "GET", "/v2/languages", "text/plain", "");
    assert_eq!(r.status, 200);
    let v = r.json();
    let long: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["longCode"].as_str().unwrap())
        .collect();
    assert!(
        long.contains(&"nl-NL") && long.contains(&"nl-BE"),
        "{long:?}"
    );
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|l| l["name"].is_string() && l["code"] == "nl")
    );
}

#[test]
fn v2_check_offsets_are_utf16_with_emoji_before_the_finding() {
    let srv = start();
    let text = "😀😀 Bel even met onze klantenservice, die helpen je verder.";
    let r = form_check(srv.addr, &format!("language=nl-NL&text={}", enc(text)));
    assert_eq!(r.status, 200);
    let v = r.json();
    let m = &v["matches"][0];
    let flagged = utf16_slice(
        text,
        m["offset"].as_u64().unwrap(),
        m["length"].as_u64().unwrap(),
    );
    assert_eq!(flagged, "Bel even met onze klantenservice");
    assert_eq!(
        m["offset"], 5,
        "two emoji are four UTF-16 units, then a space"
    );
    let ctx = &m["context"];
    assert_eq!(
        utf16_slice(
            ctx["text"].as_str().unwrap(),
            ctx["offset"].as_u64().unwrap(),
            ctx["length"].as_u64().unwrap()
        ),
        flagged
    );
    for key in [
        "message",
        "shortMessage",
        "replacements",
        "sentence",
        "type",
        "ignoreForIncompleteSentence",
        "contextForSureMatch",
    ] {
        assert!(!m[key].is_null(), "match lacks {key}: {m}");
    }
    assert_eq!(m["rule"]["id"], "channel/redirect-phone");
    assert_eq!(m["rule"]["category"]["id"], "channel");
    assert!(m["rule"]["issueType"].is_string());
    assert!(m["rule"]["description"].is_string());
    assert_eq!(m["type"]["typeName"], "Other");
    assert_eq!(v["software"]["apiVersion"], 1);
    assert_eq!(v["warnings"]["incompleteResults"], false);
    assert_eq!(v["language"]["detectedLanguage"]["code"], "nl-NL");
}

#[test]
fn v2_check_by_get_query_and_auto_language() {
    let srv = start();
    let text = "Mail ons even via info@bedrijf.nl, dan kijken we ernaar.";
    let r = request(
        srv.addr,
        "GET",
        &format!("/v2/check?language=auto&text={}", enc(text)),
        "text/plain",
        "",
    );
    assert_eq!(r.status, 200);
    let matches = r.json()["matches"].as_array().unwrap().clone();
    assert!(!matches.is_empty());
}

#[test]
fn v2_check_rule_and_category_selection() {
    let srv = start();
    let base = format!(
        "language=nl-NL&text={}",
        enc("Bel even met onze klantenservice. Mail ons op info@bedrijf.nl.")
    );
    let ids = |extra: &str| -> Vec<String> {
        let r = form_check(srv.addr, &format!("{base}&{extra}"));
        assert_eq!(r.status, 200, "{extra}");
        r.json()["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["rule"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids("unknownParam=1");
    assert!(all.iter().any(|i| i == "channel/redirect-phone"), "{all:?}");
    assert!(all.iter().any(|i| i == "channel/redirect-email"), "{all:?}");
    let without_phone = ids("disabledRules=channel/redirect-phone");
    assert!(!without_phone.iter().any(|i| i == "channel/redirect-phone"));
    assert!(without_phone.iter().any(|i| i == "channel/redirect-email"));
    assert_eq!(
        ids("enabledOnly=true&enabledRules=channel/redirect-email"),
        ["channel/redirect-email"]
    );
    assert!(ids("disabledCategories=channel").is_empty());
    assert!(ids("enabledOnly=true&enabledCategories=register").is_empty());
    assert_eq!(ids("enabledCategories=register").len(), all.len());
}

#[test]
fn cors_headers_and_preflight() {
    let srv = start();
    let r = form_check(srv.addr, "language=nl&text=Hoi");
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    let r = send(
        srv.addr,
        b"OPTIONS /v2/check HTTP/1.1\r\nHost: x\r\nOrigin: https://mail.example\r\n\
          Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
          Connection: close\r\n\r\n",
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert!(
        r.header("Access-Control-Allow-Methods")
            .unwrap()
            .contains("POST")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Headers"),
        Some("content-type")
    );
}

#[test]
fn body_over_the_limit_is_413() {
    let srv = start();
    // Announced too large: refused before any body is sent.
    let r = send(
        srv.addr,
        b"POST /v2/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 2097152\r\nExpect: 100-continue\r\n\r\n",
    );
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("too large"));
    // Sent anyway, all of it: the client still reads the 413, not a reset.
    let body = format!("text={}", "a".repeat(2 * 1024 * 1024));
    let r = form_check(srv.addr, &body);
    assert_eq!(r.status, 413);
    // The server is still fine.
    assert_eq!(
        request(srv.addr, "GET", "/healthz", "text/plain", "").status,
        200
    );
}

#[test]
fn malformed_input_is_400_with_a_reason() {
    let srv = start();
    for (r, why) in [
        (form_check(srv.addr, "language=nl-NL"), "missing parameter"),
        (form_check(srv.addr, "text=%E2%28&language=nl"), "percent"),
        (
            form_check(srv.addr, "text=hoi&language=klingon"),
            "not supported",
        ),
        (
            request(
                srv.addr,
                "POST",
                "/v1/check",
                "application/json",
                "{\"text\":",
            ),
            "send JSON",
        ),
        (
            request(
                srv.addr,
                "POST",
                "/v1/check",
                "application/json",
                "{\"text\":\"a\",\"register\":\"jij\"}",
            ),
            "unknown register",
        ),
        (
            send(srv.addr, b"NONSENSE\r\n\r\n"),
            "malformed request line",
        ),
    ] {
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
        let reason = r.json()["error"].as_str().unwrap().to_string();
        assert!(reason.contains(why), "{reason:?} lacks {why:?}");
    }
}

#[test]
fn unknown_path_is_404_and_wrong_method_405() {
    let srv = start();
    let r = request(srv.addr, "GET", "/v2/nope", "text/plain", "");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("/v2/nope"));
    let r = request(srv.addr, "DELETE", "/v2/check", "text/plain", "");
    assert_eq!(r.status, 405);
    assert!(r.header("Allow").unwrap().contains("POST"));
}

#[test]
fn v1_check_returns_the_json_report() {
    let srv = start();
    let body = serde_json::json!({
        "text": "Vervelend! Bel even met onze klantenservice.",
        "channel": "x",
        "register": "je",
        "in_reply_to": "Mijn pakket is kwijt"
    })
    .to_string();
    let r = request(srv.addr, "POST", "/v1/check", "application/json", &body);
    assert_eq!(r.status, 200);
    assert!(
        r.header("Content-Type")
            .unwrap()
            .starts_with("application/json")
    );
    let v = r.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["failures"], serde_json::json!([]));
    assert_eq!(v["summary"]["files"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["path"], "-");
    assert!(d["document"].is_null());
    for key in [
        "rule", "pack", "gebod", "severity", "message", "help", "span", "text", "fixes",
    ] {
        assert!(d.get(key).is_some(), "diagnostic lacks {key}: {d}");
    }
    let (s, e) = (
        d["span"]["start"].as_u64().unwrap() as usize,
        d["span"]["end"].as_u64().unwrap() as usize,
    );
    let text = "Vervelend! Bel even met onze klantenservice.";
    assert_eq!(d["text"].as_str().unwrap(), &text[s..e]);
}

#[test]
fn healthz_and_page() {
    let srv = start();
    let r = request(srv.addr, "GET", "/healthz", "text/plain", "");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    assert!(r.json()["rules"].as_u64().unwrap() > 0);
    let r = request(srv.addr, "GET", "/", "text/plain", "");
    assert_eq!(r.status, 200);
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    let html = String::from_utf8(r.body).unwrap();
    assert!(html.contains("id=\"draft\""));
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let srv = start();
    let s = TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    for _ in 0..3 {
        w.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let reply = read_reply(&mut r);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("Connection"), Some("keep-alive"));
    }
}

#[test]
fn concurrent_clients_all_get_their_own_answer() {
    let srv = start();
    let addr = srv.addr;
    let clients: Vec<_> = (0..8)
        .map(|i| {
            thread::spawn(move || {
                for j in 0..20 {
                    let text = format!(
                        "{}Bel even met onze klantenservice. #{i}-{j}",
                        "😀".repeat(i)
                    );
                    let r = form_check(addr, &format!("language=nl-NL&text={}", enc(&text)));
                    assert_eq!(r.status, 200);
                    let v = r.json();
                    let m = &v["matches"][0];
                    assert_eq!(m["offset"].as_u64().unwrap(), 2 * i as u64);
                    let context = m["context"]["text"].as_str().unwrap();
                    assert!(context.contains(&format!("#{i}-{j}")), "{context}");
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client thread");
    }
}

#[test]
fn silent_connections_do_not_starve_the_pool() {
    let packs = webcare_lint::packs::builtin().unwrap();
    let config = Config {
        threads: 2,
        ..Config::default()
    };
    let server = Server::bind(
        "127.0.0.1:0",
        Service::new(&packs, Context::default()),
        config,
    )
    .unwrap();
    let srv = Running {
        addr: server.local_addr().unwrap(),
        stop: server.shutdown_handle(),
        handle: None,
    };
    let handle = thread::spawn(move || server.run());
    // More silent connections than workers (a browser's preconnects, or a slow client).
    let silent: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(srv.addr).unwrap())
        .collect();
    thread::sleep(Duration::from_millis(100));
    let t = std::time::Instant::now();
    let r = request(srv.addr, "GET", "/healthz", "text/plain", "");
    assert_eq!(r.status, 200);
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "waited {:?} behind silent connections",
        t.elapsed()
    );
    drop(silent);
    drop(srv);
    handle.join().unwrap().unwrap();
}

/// The binary: prints its address, and on SIGTERM finishes the request in flight, then
/// exits 0.
#[test]
fn binary_shuts_down_gracefully_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    // A request in flight: headers sent, body not yet.
    let body = "language=nl-NL&text=Bel+ons+even.";
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /v2/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    thread::sleep(Duration::from_millis(200));
    s.write_all(body.as_bytes()).unwrap();
    let reply = read_reply(&mut BufReader::new(s));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Connection"), Some("close"));
    assert!(!reply.json()["matches"].as_array().unwrap().is_empty());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after exit"
    );
}
