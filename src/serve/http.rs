//! A small HTTP/1.1 reader and writer over any `BufRead`/`Write`: request line, headers,
//! `Content-Length` or chunked bodies, `Expect: 100-continue`, keep-alive. Limits are
//! enforced before a body is read, so an oversized request costs no memory.

use std::io::{self, BufRead, Write};

/// Limits on one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Request line plus headers, in bytes.
    pub max_head: usize,
    /// Body, in bytes (after chunked decoding).
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 16 * 1024,
            max_body: 1024 * 1024,
        }
    }
}

/// A parsed request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without the query (not percent-decoded).
    pub path: String,
    /// The raw query string after `?` (empty when none).
    pub query: String,
    /// `true` for HTTP/1.1, `false` for HTTP/1.0.
    pub http11: bool,
    /// Header names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open after the response.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |t: &str| conn.split(',').any(|c| c.trim() == t);
        if self.http11 {
            !has("close")
        } else {
            has("keep-alive")
        }
    }

    /// A request for tests and in-process use.
    pub fn new(method: &str, target: &str, body: &[u8]) -> Request {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Request {
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
            http11: true,
            headers: Vec::new(),
            body: body.to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }
}

/// A response, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &impl serde::Serialize) -> Response {
        let body = serde_json::to_vec(value).unwrap_or_else(|e| {
            format!("{{\"error\":\"cannot serialize the response: {e}\",\"status\":500}}")
                .into_bytes()
        });
        Response::new(status, "application/json; charset=utf-8", body)
    }

    /// An error as JSON: `{"error": reason, "status": code}`.
    pub fn error(status: u16, reason: impl Into<String>) -> Response {
        #[derive(serde::Serialize)]
        struct Body {
            error: String,
            status: u16,
        }
        Response::json(
            status,
            &Body {
                error: reason.into(),
                status,
            },
        )
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The connection closed (or timed out) before a request began: nothing to answer.
    Closed,
    /// An I/O error or time-out in the middle of a request.
    Io(io::Error),
    /// A request we answer with this status and reason, then close the connection.
    Reject(u16, String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads one request. `interim` receives `100 Continue` when the client asks for it and the
/// body is within limits.
pub fn read_request(
    reader: &mut impl BufRead,
    interim: &mut impl Write,
    limits: Limits,
) -> Result<Request, ReadError> {
    let mut budget = limits.max_head;
    let line = match read_line(reader, &mut budget)? {
        Some(l) => l,
        None => return Err(ReadError::Closed),
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(format!(
            "malformed request line {:?}; expected `METHOD /path HTTP/1.1`",
            truncate(&line, 80)
        )));
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => {
            return Err(ReadError::Reject(
                505,
                format!("unsupported protocol {version:?}; speak HTTP/1.1"),
            ));
        }
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad(format!("malformed method {method:?}")));
    }
    if !target.starts_with('/') {
        return Err(bad(format!(
            "request target {:?} must start with `/`",
            truncate(target, 80)
        )));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        http11,
        headers: Vec::new(),
        body: Vec::new(),
    };
    loop {
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
        };
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(format!(
                "malformed header line {:?}; expected `Name: value`",
                truncate(&line, 80)
            )));
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(bad(format!("malformed header name {name:?}")));
        }
        req.headers
            .push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    req.body = read_body(reader, interim, &req, limits.max_body)?;
    Ok(req)
}

fn bad(reason: String) -> ReadError {
    ReadError::Reject(400, reason)
}

fn too_large(max: usize) -> ReadError {
    ReadError::Reject(
        413,
        format!(
            "request body too large; the limit is {max} bytes ({} KiB)",
            max / 1024
        ),
    )
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

fn read_body(
    reader: &mut impl BufRead,
    interim: &mut impl Write,
    req: &Request,
    max: usize,
) -> Result<Vec<u8>, ReadError> {
    let lengths: Vec<&str> = req
        .headers
        .iter()
        .filter(|(n, _)| n == "content-length")
        .map(|(_, v)| v.as_str())
        .collect();
    let chunked = match req.header("transfer-encoding") {
        None => false,
        Some(te) if te.eq_ignore_ascii_case("chunked") => true,
        Some(te) => {
            return Err(ReadError::Reject(
                501,
                format!(
                    "transfer-encoding {te:?} is not supported; send chunked or Content-Length"
                ),
            ));
        }
    };
    if chunked && !lengths.is_empty() {
        return Err(bad(
            "both Content-Length and Transfer-Encoding given; send one".into(),
        ));
    }
    let length = match lengths.as_slice() {
        [] => None,
        [first, rest @ ..] if rest.iter().all(|v| v == first) => match first.parse::<u64>() {
            Ok(n) if first.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return Err(bad(format!("malformed Content-Length {first:?}"))),
        },
        _ => return Err(bad("conflicting Content-Length headers".into())),
    };
    if length.is_some_and(|n| n > max as u64) {
        return Err(too_large(max));
    }
    let expects_continue = req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
    if expects_continue && req.http11 && (chunked || length.is_some_and(|n| n > 0)) {
        interim.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        interim.flush()?;
    }
    if chunked {
        return read_chunked(reader, max);
    }
    let n = length.unwrap_or(0) as usize;
    let mut body = vec![0; n];
    reader.read_exact(&mut body)?;
    Ok(body)
}

fn read_chunked(reader: &mut impl BufRead, max: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
        };
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(format!("malformed chunk size {:?}", truncate(size, 20))))?;
        if size == 0 {
            // Trailers, up to the empty line.
            let mut budget = 8 * 1024;
            while let Some(line) = read_line(reader, &mut budget)? {
                if line.is_empty() {
                    break;
                }
            }
            return Ok(body);
        }
        if body.len().saturating_add(size) > max {
            return Err(too_large(max));
        }
        let from = body.len();
        body.resize(from + size, 0);
        reader.read_exact(&mut body[from..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(bad("chunk data not followed by CRLF".into()));
        }
    }
}

/// Reads a line ending in LF (a CR before it is dropped), counting against `budget`.
/// `None` at a clean end of input before any byte.
fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            if line.is_empty() {
                return Ok(None);
            }
            return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if take > *budget {
            return Err(ReadError::Reject(
                431,
                "request line or headers too large".into(),
            ));
        }
        *budget -= take;
        line.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return String::from_utf8(line)
                .map(Some)
                .map_err(|_| bad("request line or header is not valid UTF-8".into()));
        }
    }
}

/// The reason phrase of a status code we send.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Writes a response; `head_only` leaves out the body (for `HEAD`).
pub fn write_response(
    out: &mut impl Write,
    resp: &Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    if resp.status != 204 {
        head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {}\r\n",
            resp.content_type,
            resp.body.len()
        ));
    }
    for (name, value) in &resp.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = head.into_bytes();
    if !head_only && resp.status != 204 {
        bytes.extend_from_slice(&resp.body);
    }
    out.write_all(&bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str) -> (Result<Request, ReadError>, Vec<u8>) {
        read_with(raw, Limits::default())
    }

    fn read_with(raw: &str, limits: Limits) -> (Result<Request, ReadError>, Vec<u8>) {
        let mut interim = Vec::new();
        let r = read_request(&mut raw.as_bytes(), &mut interim, limits);
        (r, interim)
    }

    fn status(r: Result<Request, ReadError>) -> u16 {
        match r {
            Err(ReadError::Reject(s, _)) => s,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn reads_a_form_post() {
        let (r, interim) = read(
            "POST /v2/check?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\ntext=Hoi!",
        );
        let r = r.unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/v2/check");
        assert_eq!(r.query, "x=1");
        assert_eq!(r.body, b"text=Hoi!");
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(r.keep_alive());
        assert!(interim.is_empty());
    }

    #[test]
    fn reads_chunked_bodies() {
        let (r, _) = read(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ntext\r\n3;x=y\r\n=ok\r\n0\r\n\r\n",
        );
        assert_eq!(r.unwrap().body, b"text=ok");
    }

    #[test]
    fn answers_expect_continue_within_limits_only() {
        let (r, interim) =
            read("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        assert_eq!(r.unwrap().body, b"ok");
        assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
        let limits = Limits {
            max_body: 1,
            ..Limits::default()
        };
        let (r, interim) = read_with(
            "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
            limits,
        );
        assert_eq!(status(r), 413);
        assert!(interim.is_empty());
    }

    #[test]
    fn rejects_a_body_over_the_limit_before_reading_it() {
        let limits = Limits {
            max_body: 10,
            ..Limits::default()
        };
        let (r, _) = read_with("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits);
        assert_eq!(status(r), 413);
        let (r, _) = read_with(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n",
            limits,
        );
        assert_eq!(status(r), 413);
    }

    #[test]
    fn rejects_malformed_requests_with_a_reason() {
        assert_eq!(status(read("GARBAGE\r\n\r\n").0), 400);
        assert_eq!(status(read("GET / HTTP/2.0\r\n\r\n").0), 505);
        assert_eq!(status(read("GET / HTTP/1.1\r\nNoColon\r\n\r\n").0), 400);
        assert_eq!(
            status(read("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n").0),
            400
        );
        assert_eq!(
            status(read("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").0),
            400
        );
        assert_eq!(
            status(read("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").0),
            501
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        assert_eq!(status(read(&long).0), 431);
    }

    #[test]
    fn a_clean_close_before_a_request_is_not_an_error_to_answer() {
        assert!(matches!(read("").0, Err(ReadError::Closed)));
        assert!(matches!(read("GET / HT").0, Err(ReadError::Io(_))));
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection_header() {
        let r = Request::new("GET", "/", b"").with_header("Connection", "close");
        assert!(!r.keep_alive());
        let mut r = Request::new("GET", "/", b"");
        r.http11 = false;
        assert!(!r.keep_alive());
        let r = r.with_header("Connection", "Keep-Alive");
        assert!(r.keep_alive());
    }

    #[test]
    fn writes_status_headers_and_body() {
        let mut out = Vec::new();
        let resp = Response::new(200, "text/plain", "hoi").with_header("X-A", "1");
        write_response(&mut out, &resp, false, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("Content-Length: 3\r\n"));
        assert!(text.contains("X-A: 1\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.ends_with("\r\n\r\nhoi"));
        let mut out = Vec::new();
        write_response(&mut out, &resp, true, true).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with("keep-alive\r\n\r\n")
        );
    }
}
