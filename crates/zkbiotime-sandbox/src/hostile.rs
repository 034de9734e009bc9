//! Hostile answers (`--hostile NAME`): the logins work as usual, every other request gets
//! the scripted answer of one scenario of `hostile/corpus.json` (HTML with HTTP 200,
//! broken JSON, wrong types, lying paging envelopes, trickled or endless bodies, ...).
//!
//! The corpus is language neutral so that every binding's test suite can run the same
//! scenarios; the binary carries it (`include_str!`) so `--hostile` works from anywhere.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use bytes::Bytes;
use hyper::body::Frame;
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::paging::Query;
use crate::router::ConnCtx;

/// The corpus file, as shipped in the repository.
pub const CORPUS_JSON: &str = include_str!("../hostile/corpus.json");

/// The error kinds a scenario may expect (`zkbiotime::ErrorKind::as_str()`).
pub const ERROR_KINDS: [&str; 11] = [
    "authentication",
    "login_cooldown",
    "permission",
    "licence",
    "not_found",
    "bad_request",
    "server",
    "transport",
    "timeout",
    "unexpected_response",
    "invalid_argument",
];

/// One entry of the corpus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub answer: Answer,
    /// What a client does against it, e.g. `transactions.list` or `employees.get`.
    pub call: String,
    pub expect: Expect,
    /// Set only while the core is known to fail this scenario (reported, not yet fixed).
    #[serde(default)]
    pub known_core_gap: Option<String>,
}

/// What a correct client reports for a scenario.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// An `ErrorKind::as_str()` name.
    #[serde(default)]
    pub error: Option<String>,
    /// Success with exactly this many records.
    #[serde(default)]
    pub records: Option<usize>,
    /// Keys every record must keep (unknown fields survive decoding).
    #[serde(default)]
    pub extra_fields: Vec<String>,
    /// Key → value every record must have, in the record's JSON (API names, `extra` keys
    /// at the top level: a value no rule reads shows there as the server sent it).
    #[serde(default)]
    pub all: serde_json::Map<String, serde_json::Value>,
    /// Upper bound of the client process's memory growth during the call, in MiB.
    #[serde(default)]
    pub max_memory_mb: Option<u64>,
}

/// How the sandbox answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default = "ok")]
    pub status: u16,
    /// Extra or replaced headers; `null` removes a default one (`Content-Type`).
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    /// The body as text.
    #[serde(default)]
    pub body: Option<String>,
    /// The body as base64 (bytes that are not UTF-8).
    #[serde(default)]
    pub body_base64: Option<String>,
    /// The body as a JSON value (serialised compactly).
    #[serde(default)]
    pub body_json: Option<serde_json::Value>,
    /// The body generated on the fly from parts (huge or deeply nested bodies).
    #[serde(default)]
    pub body_parts: Option<Vec<Part>>,
    /// Send the body this slowly (slowloris).
    #[serde(default)]
    pub trickle_bytes_per_sec: Option<f64>,
    /// Wait this long before sending the status line.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Claim `Content-Encoding: gzip` for a body that is not gzip.
    #[serde(default)]
    pub gzip_garbage: bool,
    /// Send the body gzip-compressed (`Content-Encoding: gzip`), compressed as it streams:
    /// a few MB on the wire can be a GiB once decoded.
    #[serde(default)]
    pub gzip: bool,
    /// Break the connection after this many body bytes.
    #[serde(default)]
    pub abort_after_bytes: Option<u64>,
    /// Close the connection without answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Per-page answers keyed by the `page` query parameter ("1", "2", ...); other pages
    /// (and requests without `page`, which count as page 1 when "1" is scripted) get this
    /// answer itself.
    #[serde(default)]
    pub pages: BTreeMap<String, Answer>,
}

fn ok() -> u16 {
    200
}

/// One piece of a generated body.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Part {
    /// `{"repeat": "x", "bytes": 52428800}`: the text repeated up to this many bytes.
    RepeatBytes {
        repeat: String,
        bytes: u64,
    },
    /// `{"repeat": "[", "times": 100000}`: the text this many times.
    RepeatTimes {
        repeat: String,
        times: u64,
    },
    Text {
        text: String,
    },
    Base64 {
        base64: String,
    },
}

/// Every scenario of the corpus (parsed once; a broken corpus is a build-time mistake).
pub fn corpus() -> &'static [Scenario] {
    static CORPUS: OnceLock<Vec<Scenario>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        serde_json::from_str(CORPUS_JSON)
            .unwrap_or_else(|e| panic!("hostile/corpus.json is not a valid corpus: {e}"))
    })
}

/// The scenario called `name`, or an error listing the known names.
pub fn scenario(name: &str) -> anyhow::Result<&'static Scenario> {
    corpus().iter().find(|s| s.name == name).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown hostile scenario `{name}`; known: {}",
            corpus().iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// The answer for one request: the page's own script if there is one, else the default.
fn for_page<'a>(answer: &'a Answer, query: Option<&str>) -> &'a Answer {
    if answer.pages.is_empty() {
        return answer;
    }
    let page = Query::parse(query).get("page").map(str::to_string).unwrap_or_else(|| "1".into());
    answer.pages.get(&page).unwrap_or(answer)
}

/// Answers one (non-login) request with the scenario's script.
pub async fn respond(scenario: &Scenario, ctx: &ConnCtx, query: Option<&str>) -> Response {
    let answer = for_page(&scenario.answer, query);
    if answer.drop_connection {
        ctx.kill.notify_one();
        // The connection task drops this request; never answer it.
        std::future::pending::<()>().await;
    }
    if let Some(ms) = answer.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut response = Response::new(body(answer));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if answer.gzip_garbage || answer.gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    for (name, value) in &answer.headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
        match value.as_deref().map(HeaderValue::from_str) {
            Some(Ok(v)) => {
                headers.insert(name, v);
            }
            Some(Err(_)) => tracing::warn!("hostile: header {name} is not valid header text"),
            None => {
                headers.remove(name);
            }
        }
    }
    response
}

/// The body bytes known up front, or `None` for generated bodies.
fn static_body(answer: &Answer) -> Option<Bytes> {
    if let Some(text) = &answer.body {
        return Some(Bytes::from(text.clone()));
    }
    if let Some(b64) = &answer.body_base64 {
        return Some(Bytes::from(
            base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default(),
        ));
    }
    if let Some(value) = &answer.body_json {
        return Some(Bytes::from(serde_json::to_vec(value).unwrap_or_default()));
    }
    match &answer.body_parts {
        Some(_) => None,
        None if answer.gzip_garbage => Some(Bytes::from_static(b"\x00not gzip: plain bytes\xff")),
        None => Some(Bytes::new()),
    }
}

fn body(answer: &Answer) -> Body {
    let fixed = static_body(answer);
    let streamed = fixed.is_none()
        || answer.gzip
        || answer.trickle_bytes_per_sec.is_some()
        || answer.abort_after_bytes.is_some();
    if !streamed {
        return Body::from(fixed.unwrap_or_default());
    }
    let parts = match fixed {
        Some(bytes) => vec![Source::Bytes(bytes)],
        None => answer.body_parts.iter().flatten().map(Source::from).collect(),
    };
    // A small channel: the producer runs only as fast as the client reads, so a 50 MB
    // body never sits in the sandbox's memory, and it stops when the client goes away.
    let (tx, rx) = mpsc::channel(2);
    let chunks = parts.into_iter().flat_map(Source::chunks);
    let chunks: Box<dyn Iterator<Item = Bytes> + Send> =
        if answer.gzip { Box::new(gzip_chunks(chunks)) } else { Box::new(chunks) };
    tokio::spawn(produce(chunks, answer.trickle_bytes_per_sec, answer.abort_after_bytes, tx));
    Body::new(ChannelBody(rx))
}

enum Source {
    Bytes(Bytes),
    Repeat { unit: Bytes, total: u64 },
}

impl From<&Part> for Source {
    fn from(part: &Part) -> Self {
        match part {
            Part::Text { text } => Source::Bytes(Bytes::from(text.clone())),
            Part::Base64 { base64 } => Source::Bytes(Bytes::from(
                base64::engine::general_purpose::STANDARD.decode(base64).unwrap_or_default(),
            )),
            Part::RepeatBytes { repeat, bytes } => {
                Source::Repeat { unit: Bytes::from(repeat.clone()), total: *bytes }
            }
            Part::RepeatTimes { repeat, times } => Source::Repeat {
                unit: Bytes::from(repeat.clone()),
                total: times.saturating_mul(repeat.len() as u64),
            },
        }
    }
}

impl Source {
    fn chunks(self) -> Box<dyn Iterator<Item = Bytes> + Send> {
        match self {
            Source::Bytes(b) => Box::new(std::iter::once(b)),
            Source::Repeat { unit, total } => Box::new(repeat_chunks(unit, total)),
        }
    }
}

const CHUNK: usize = 64 * 1024;

/// `chunks` gzip-compressed lazily: each input chunk yields what the encoder has ready, so
/// a client that stops reading stops the compression too.
fn gzip_chunks(chunks: impl Iterator<Item = Bytes> + Send) -> impl Iterator<Item = Bytes> + Send {
    use std::io::Write as _;
    let mut encoder = Some(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let mut chunks = chunks.fuse();
    std::iter::from_fn(move || {
        loop {
            let e = encoder.as_mut()?;
            match chunks.next() {
                Some(chunk) => {
                    // Writing into a Vec cannot fail.
                    let _ = e.write_all(&chunk);
                    if !e.get_ref().is_empty() {
                        return Some(Bytes::from(std::mem::take(e.get_mut())));
                    }
                }
                None => {
                    let rest = encoder.take()?.finish().unwrap_or_default();
                    return Some(Bytes::from(rest));
                }
            }
        }
    })
}

/// Streams the chunks, trickled and/or cut off as the scenario says.
async fn produce(
    chunks: Box<dyn Iterator<Item = Bytes> + Send>,
    trickle: Option<f64>,
    abort_after: Option<u64>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    // Trickle: one tenth of the rate every 100 ms (at least a byte).
    let step = trickle.map(|rate| ((rate / 10.0).ceil() as usize).max(1));
    let mut sent = 0u64;
    for mut chunk in chunks {
        while !chunk.is_empty() {
            let mut take = step.unwrap_or(CHUNK).min(chunk.len());
            if let Some(limit) = abort_after {
                if sent >= limit {
                    let _ = tx.send(Err(std::io::Error::other("hostile: cut off"))).await;
                    return;
                }
                take = take.min((limit - sent) as usize);
            }
            let piece = chunk.split_to(take);
            sent += piece.len() as u64;
            if tx.send(Ok(piece)).await.is_err() {
                return; // the client went away
            }
            if step.is_some() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    if abort_after.is_some_and(|limit| sent >= limit) {
        let _ = tx.send(Err(std::io::Error::other("hostile: cut off"))).await;
    }
}

/// `unit` repeated until `total` bytes, in chunks of about 64 KiB.
fn repeat_chunks(unit: Bytes, total: u64) -> impl Iterator<Item = Bytes> + Send {
    let block: Bytes = if unit.is_empty() {
        Bytes::new()
    } else {
        let copies = (CHUNK / unit.len()).max(1);
        Bytes::from(unit.repeat(copies))
    };
    let mut left = if block.is_empty() { 0 } else { total };
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let n = left.min(block.len() as u64) as usize;
        left -= n as u64;
        Some(block.slice(..n))
    })
}

/// A body fed through a channel (streamed, paced or cut-off answers).
pub(crate) struct ChannelBody(pub(crate) mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.0.poll_recv(cx).map(|next| next.map(|r| r.map(Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_well_formed() {
        let all = corpus();
        assert!(all.len() >= 30, "{} scenarios", all.len());
        let mut names = std::collections::HashSet::new();
        for s in all {
            assert!(names.insert(s.name.as_str()), "duplicate name {}", s.name);
            assert!(!s.description.is_empty(), "{}: no description", s.name);
            match (&s.expect.error, s.expect.records) {
                (Some(kind), None) => {
                    assert!(ERROR_KINDS.contains(&kind.as_str()), "{}: kind {kind}", s.name)
                }
                (None, Some(_)) => {}
                _ => panic!("{}: expect exactly one of error / records", s.name),
            }
            for a in std::iter::once(&s.answer).chain(s.answer.pages.values()) {
                let bodies = [
                    a.body.is_some(),
                    a.body_base64.is_some(),
                    a.body_json.is_some(),
                    a.body_parts.is_some(),
                ];
                assert!(bodies.iter().filter(|b| **b).count() <= 1, "{}: two bodies", s.name);
                assert!(StatusCode::from_u16(a.status).is_ok(), "{}: status", s.name);
                if let Some(b64) = &a.body_base64 {
                    base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
                }
            }
        }
    }

    #[test]
    fn repeated_parts_have_the_exact_size() {
        let total: usize =
            repeat_chunks(Bytes::from_static(b"abc"), 200_001).map(|c| c.len()).sum();
        assert_eq!(total, 200_001);
        assert_eq!(repeat_chunks(Bytes::new(), 10).count(), 0);
    }

    #[test]
    fn pages_pick_their_script() {
        let s = scenario("count_lies_low").unwrap();
        assert!(std::ptr::eq(
            for_page(&s.answer, Some("page=2&page_size=10")),
            &s.answer.pages["2"]
        ));
        assert!(std::ptr::eq(for_page(&s.answer, None), &s.answer.pages["1"]));
        assert!(std::ptr::eq(for_page(&s.answer, Some("page=99")), &s.answer));
    }
}
