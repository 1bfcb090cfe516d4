//! `webcare-lint serve`: our packs behind LanguageTool's HTTP API (`/v2`), our own JSON API
//! (`/v1/check`, the report of SPEC.md) and a page for agents (`/`).
//!
//! [`Service`] is the HTTP-independent part: a request in, a response out, no I/O, so it is
//! tested without sockets. [`server`] is the thin loop around it (std::net, a thread pool).
//! Packs are compiled once into one [`Linter`] that every worker shares read-only.

pub mod annotation;
pub mod form;
pub mod http;
pub mod lt;
pub mod server;
pub mod utf16;
pub mod v1;

pub use http::{Limits, Request, Response};
pub use server::{Config, Server, Shutdown};

use crate::check::Checker;
use crate::documents::Format;
use crate::engine::{Context, Linter};
use crate::packs::Pack;
use crate::report::{Diagnostic, Failure, Report, commandment};
use annotation::Annotated;
use lt::{Language, RuleFilter, RuleInfo};
use std::collections::HashMap;
use std::sync::Arc;

const PAGE: &str = include_str!("page.html");

/// Everything the server knows, built once at start.
#[derive(Debug)]
pub struct Service {
    linter: Linter,
    /// Per rule id: what `/v2` says about it, and its pack's language.
    rules: HashMap<String, (RuleInfo, String)>,
    languages: Vec<Language>,
    packs: usize,
    /// Channel and register when a request names none (`serve --channel/--register`).
    defaults: Context,
    page: String,
}

impl Service {
    /// Compiles the rules of `packs` once. `defaults` gives the channel and register used when
    /// a request names none.
    pub fn new(packs: &[Pack], defaults: Context) -> Service {
        let linter = Linter::from_rules(packs.iter().flat_map(|p| p.rules.clone()).collect());
        let mut rules = HashMap::new();
        for pack in packs {
            for rule in &pack.rules {
                let info = RuleInfo {
                    description: lt::description(&rule.why, &pack.title),
                    pack_title: pack.title.clone(),
                };
                rules.insert(rule.id.clone(), (info, pack.language.clone()));
            }
        }
        let geboden: HashMap<String, &str> =
            (1..=10).map(|g| (g.to_string(), commandment(g))).collect();
        let geboden = serde_json::to_string(&geboden).unwrap_or_else(|_| "{}".into());
        Service {
            linter,
            rules,
            languages: lt::languages(packs.iter().map(|p| p.language.as_str())),
            packs: packs.len(),
            defaults,
            page: PAGE.replace("\"__GEBODEN__\"", &geboden),
        }
    }

    pub fn languages(&self) -> &[Language] {
        &self.languages
    }

    /// Answers one request. Every response carries CORS headers, so browser add-ons on other
    /// origins can call the API.
    pub fn handle(&self, req: &Request) -> Response {
        let resp = self.route(req);
        resp.with_header("Access-Control-Allow-Origin", "*")
    }

    fn route(&self, req: &Request) -> Response {
        let allowed: &[&str] = match req.path.as_str() {
            "/" | "/index.html" | "/healthz" | "/v2/healthcheck" | "/v2/languages" => {
                &["GET", "HEAD"]
            }
            "/v2/check" => &["GET", "HEAD", "POST"],
            "/v1/check" => &["POST"],
            _ => {
                return Response::error(
                    404,
                    format!(
                        "no such endpoint: {}; try GET /, GET /v2/languages, POST /v2/check, \
                         POST /v1/check or GET /healthz",
                        req.path
                    ),
                );
            }
        };
        let allow = format!("{}, OPTIONS", allowed.join(", "));
        if req.method == "OPTIONS" {
            let headers = req
                .header("access-control-request-headers")
                .unwrap_or("Content-Type")
                .to_string();
            return Response::new(204, "text/plain", "")
                .with_header("Allow", allow.clone())
                .with_header("Access-Control-Allow-Methods", allow)
                .with_header("Access-Control-Allow-Headers", headers)
                .with_header("Access-Control-Max-Age", "86400")
                // Chromium asks before a public page may call a loopback server.
                .with_header("Access-Control-Allow-Private-Network", "true");
        }
        if !allowed.contains(&req.method.as_str()) {
            return Response::error(
                405,
                format!("{} does not take {}; use {allow}", req.path, req.method),
            )
            .with_header("Allow", allow);
        }
        match req.path.as_str() {
            "/" | "/index.html" => {
                Response::new(200, "text/html; charset=utf-8", self.page.clone())
                    .with_header("Cache-Control", "no-cache")
            }
            "/healthz" | "/v2/healthcheck" => Response::json(
                200,
                &serde_json::json!({
                    "status": "ok",
                    "version": env!("CARGO_PKG_VERSION"),
                    "packs": self.packs,
                    "rules": self.linter.rules().len(),
                }),
            ),
            "/v2/languages" => Response::json(200, &self.languages),
            "/v2/check" => match self.v2_check(req) {
                Ok(body) => Response::json(200, &body),
                Err(resp) => resp,
            },
            _ => match self.v1_check(&req.body) {
                Ok(report) => Response::json(200, &report),
                Err(resp) => resp,
            },
        }
    }

    /// Parameters of a `/v2/check` request: a form body, then the query (the first value of a
    /// name counts, so the body wins).
    fn v2_params(req: &Request) -> Result<Vec<(String, String)>, Response> {
        let bad = |e: form::FormError| Response::error(400, e.to_string());
        let mut params = form::decode(&req.query).map_err(bad)?;
        if req.method == "POST" && !req.body.is_empty() {
            let ctype = req
                .header("content-type")
                .unwrap_or("")
                .to_ascii_lowercase();
            if !ctype.is_empty() && !ctype.starts_with("application/x-www-form-urlencoded") {
                return Err(Response::error(
                    415,
                    format!(
                        "content type {ctype:?} is not supported here; send \
                         application/x-www-form-urlencoded (or JSON to /v1/check)"
                    ),
                ));
            }
            let body = std::str::from_utf8(&req.body)
                .map_err(|_| Response::error(400, "the form body is not valid UTF-8"))?;
            let mut body = form::decode(body).map_err(bad)?;
            body.extend(params);
            params = body;
        }
        Ok(params)
    }

    /// LanguageTool's `/v2/check`.
    pub fn v2_check(&self, req: &Request) -> Result<lt::CheckResponse, Response> {
        let params = Self::v2_params(req)?;
        let bad = |reason: String| Response::error(400, reason);
        let source = match (form::get(&params, "text"), form::get(&params, "data")) {
            (Some(text), None) => Annotated::plain(text.to_string()),
            (None, Some(data)) => Annotated::from_json(data).map_err(bad)?,
            (Some(_), Some(_)) => {
                return Err(bad("give either `text` or `data`, not both".into()));
            }
            (None, None) => {
                return Err(bad(
                    "missing parameter `text` (or `data`); send text=<your draft>&language=nl-NL"
                        .into(),
                ));
            }
        };
        let requested = form::get(&params, "language").unwrap_or("auto");
        let (language, auto) = lt::resolve(requested, &self.languages).map_err(bad)?;
        let filter = RuleFilter::from_params(&params).map_err(bad)?;
        let mut ctx = self.defaults.clone();
        // webcare-lint's own parameters; LanguageTool clients never send them.
        let channel = form::get(&params, "channel").filter(|v| !v.is_empty());
        let register = form::get(&params, "register").filter(|v| !v.is_empty());
        v1::check_choice("channel", channel, &crate::packs::CHANNELS).map_err(bad)?;
        v1::check_choice("register", register, &crate::packs::REGISTERS).map_err(bad)?;
        if let Some(c) = channel {
            ctx.channel = Some(c.to_string());
        }
        if let Some(r) = register {
            ctx.register = Some(r.to_string());
        }
        let (mut diagnostics, _, failure) = self.diagnostics(&source.plain, ctx);
        if let Some(f) = failure {
            return Err(bad(f.message));
        }
        diagnostics.retain(|d| {
            let pack_language = self.rules.get(&d.rule).map(|(_, l)| l.as_str());
            filter.keeps(&d.rule, &d.pack) && pack_language.is_none_or(|l| language.covers(l))
        });
        let matches = lt::matches(&source, &diagnostics, |rule| {
            self.rules.get(rule).map(|(info, _)| info.clone())
        });
        Ok(lt::CheckResponse {
            software: lt::Software::default(),
            warnings: lt::Warnings::default(),
            language: lt::LanguageOut::new(language, auto),
            matches,
        })
    }

    /// Our `/v1/check`: the SPEC.md report for one reply.
    pub fn v1_check(&self, body: &[u8]) -> Result<Report, Response> {
        let req = v1::CheckRequest::parse(body).map_err(|e| Response::error(400, e))?;
        let ctx = Context {
            channel: req.channel.or_else(|| self.defaults.channel.clone()),
            register: req.register.or_else(|| self.defaults.register.clone()),
            in_reply_to: req.in_reply_to,
            ..self.defaults.clone()
        };
        let (diagnostics, documents, failure) = self.diagnostics(&req.text, ctx);
        let mut report = Report {
            diagnostics,
            failures: failure.into_iter().collect(),
            ..Report::default()
        };
        report.summary.files = 1;
        report.summary.documents = documents;
        report.finish();
        Ok(report)
    }

    /// Checks one reply, named `-` as stdin is.
    fn diagnostics(&self, text: &str, ctx: Context) -> (Vec<Diagnostic>, usize, Option<Failure>) {
        let checker = Checker {
            linter: &self.linter,
            ctx,
            library: Default::default(),
        };
        let result = checker.check_text("-", Arc::from(text), Format::Text);
        (result.diagnostics, result.documents, result.failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> Service {
        Service::new(&crate::packs::builtin().unwrap(), Context::default())
    }

    fn body(resp: &Response) -> serde_json::Value {
        serde_json::from_slice(&resp.body).unwrap()
    }

    fn form_post(path: &str, form: &str) -> Request {
        Request::new("POST", path, form.as_bytes())
            .with_header("Content-Type", "application/x-www-form-urlencoded")
    }

    #[test]
    fn every_response_allows_any_origin() {
        let s = service();
        for req in [
            Request::new("GET", "/v2/languages", b""),
            Request::new("GET", "/nope", b""),
            Request::new("OPTIONS", "/v2/check", b""),
        ] {
            let resp = s.handle(&req);
            assert!(
                resp.headers
                    .contains(&("Access-Control-Allow-Origin", "*".into())),
                "{resp:?}"
            );
        }
    }

    #[test]
    fn preflight_lists_methods_and_echoes_headers() {
        let req = Request::new("OPTIONS", "/v1/check", b"")
            .with_header("Access-Control-Request-Headers", "content-type, x-foo");
        let resp = service().handle(&req);
        assert_eq!(resp.status, 204);
        assert!(
            resp.headers
                .contains(&("Access-Control-Allow-Methods", "POST, OPTIONS".into()))
        );
        assert!(
            resp.headers
                .contains(&("Access-Control-Allow-Headers", "content-type, x-foo".into()))
        );
    }

    #[test]
    fn languages_include_dutch_variants() {
        let resp = service().handle(&Request::new("GET", "/v2/languages", b""));
        let v = body(&resp);
        assert_eq!(v[0]["longCode"], "nl-NL");
        assert_eq!(v[0]["code"], "nl");
        assert_eq!(v[1]["longCode"], "nl-BE");
    }

    #[test]
    fn v2_check_finds_a_redirect_with_utf16_offsets() {
        let text = "😀😀 Bel even met onze klantenservice, die helpen je verder.";
        let q = format!(
            "text={}&language=nl-NL&motherTongue=en",
            text.replace(' ', "+").replace(',', "%2C")
        );
        let resp = service().handle(&form_post("/v2/check", &q));
        assert_eq!(resp.status, 200);
        let v = body(&resp);
        let m = &v["matches"][0];
        assert_eq!(m["rule"]["id"], "channel/redirect-phone");
        assert_eq!(m["rule"]["category"]["id"], "channel");
        let (off, len) = (
            m["offset"].as_u64().unwrap() as usize,
            m["length"].as_u64().unwrap() as usize,
        );
        let units: Vec<u16> = text.encode_utf16().collect();
        let flagged = String::from_utf16(&units[off..off + len]).unwrap();
        assert!(flagged.starts_with("Bel even"), "{flagged}");
        assert_eq!(v["language"]["code"], "nl-NL");
        assert_eq!(v["warnings"]["incompleteResults"], false);
        assert_eq!(v["software"]["name"], "webcare-lint");
    }

    #[test]
    fn v2_check_takes_a_query_string_too() {
        let resp = service().handle(&Request::new(
            "GET",
            "/v2/check?language=auto&text=Bel+ons+even+op+088-1234567.",
            b"",
        ));
        assert_eq!(resp.status, 200);
        assert!(!body(&resp)["matches"].as_array().unwrap().is_empty());
    }

    #[test]
    fn v2_check_disables_rules_and_categories() {
        let s = service();
        let text = "text=Bel+even+met+onze+klantenservice.&language=nl";
        let count = |extra: &str| {
            let resp = s.handle(&form_post("/v2/check", &format!("{text}&{extra}")));
            assert_eq!(resp.status, 200, "{extra}");
            body(&resp)["matches"].as_array().unwrap().len()
        };
        assert!(count("") > 0);
        assert_eq!(count("disabledCategories=channel"), 0);
        assert_eq!(
            count("disabledRules=channel/redirect-phone,channel/redirect-contact"),
            0
        );
        assert_eq!(count("enabledOnly=true&enabledCategories=register"), 0);
        assert!(count("enabledOnly=true&enabledRules=channel/redirect-phone") > 0);
        assert!(count("disabledRules=NO_SUCH_RULE&disabledCategories=TYPOS") > 0);
    }

    #[test]
    fn v2_check_rejects_bad_input_with_a_reason() {
        let s = service();
        for (form, why) in [
            ("language=nl", "missing parameter `text`"),
            ("text=a&language=xx-YY", "not supported"),
            ("text=a%zz", "percent-encoding"),
            ("data={broken", "annotation JSON"),
            ("text=a&data={}", "not both"),
            ("text=a&enabledOnly=true", "enabledOnly"),
            ("text=a&channel=fax", "unknown channel"),
        ] {
            let resp = s.handle(&form_post("/v2/check", form));
            assert_eq!(resp.status, 400, "{form}");
            let reason = body(&resp)["error"].as_str().unwrap().to_string();
            assert!(reason.contains(why), "{form}: {reason}");
        }
        let resp = s.handle(
            &Request::new("POST", "/v2/check", b"{}")
                .with_header("Content-Type", "application/json"),
        );
        assert_eq!(resp.status, 415);
    }

    #[test]
    fn v2_check_maps_data_markup_offsets() {
        let data =
            r#"{"annotation":[{"markup":"<p>"},{"text":"Bel ons even op."},{"markup":"</p>"}]}"#;
        let form = format!("language=nl-NL&data={}", data.replace('+', "%2B"));
        let resp = service().handle(&form_post("/v2/check", &form));
        assert_eq!(resp.status, 200);
        let v = body(&resp);
        let m = &v["matches"][0];
        assert_eq!(m["offset"], 3);
    }

    #[test]
    fn v1_check_returns_the_spec_report() {
        let resp = service().handle(&Request::new(
            "POST",
            "/v1/check",
            br#"{"text":"Bel even met onze klantenservice.","channel":"x"}"#,
        ));
        assert_eq!(resp.status, 200);
        let v = body(&resp);
        assert_eq!(v["version"], 1);
        let d = &v["diagnostics"][0];
        assert_eq!(d["path"], "-");
        assert!(d["document"].is_null());
        assert_eq!(d["gebod"], 2);
        assert_eq!(d["span"]["start"], 0);
        assert_eq!(v["summary"]["files"], 1);
        assert_eq!(v["summary"]["documents"], 1);
    }

    #[test]
    fn v1_check_rejects_malformed_json() {
        let resp = service().handle(&Request::new("POST", "/v1/check", b"{\"text\": 3}"));
        assert_eq!(resp.status, 400);
        assert!(body(&resp)["error"].as_str().unwrap().contains("send JSON"));
    }

    #[test]
    fn unknown_paths_and_methods() {
        let s = service();
        assert_eq!(s.handle(&Request::new("GET", "/v3/check", b"")).status, 404);
        let resp = s.handle(&Request::new("GET", "/v1/check", b""));
        assert_eq!(resp.status, 405);
        assert!(resp.headers.contains(&("Allow", "POST, OPTIONS".into())));
    }

    #[test]
    fn the_page_is_self_contained() {
        let resp = service().handle(&Request::new("GET", "/", b""));
        assert_eq!(resp.status, 200);
        let html = String::from_utf8(resp.body).unwrap();
        assert!(html.contains("<textarea"));
        assert!(html.contains("verwijs niet door naar een ander kanaal"));
        assert!(!html.contains("__GEBODEN__"));
        for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!html.contains(external), "external asset: {external}");
        }
    }
}
