//! What sits between a real server and its clients: the proxy in front of it, which
//! compresses answers when asked (nginx's and Apache's gzip, on by default here as on
//! typical HTTPS installs), and the link, whose bandwidth may be small (a VPN, a branch
//! line). Scripted hostile answers pass untouched: they set their own encoding.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, header};
use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::hostile::ChannelBody;

/// How the proxy encodes answers (`--compress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Never: a server reached directly (Django does not compress).
    Off,
    /// `Content-Encoding: gzip` when the client accepts it (nginx `gzip on`).
    #[default]
    Gzip,
    /// `Content-Encoding: deflate` (zlib) when the client accepts it.
    Deflate,
}

impl std::str::FromStr for Compression {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" | "none" => Ok(Self::Off),
            "gzip" | "on" => Ok(Self::Gzip),
            "deflate" => Ok(Self::Deflate),
            other => Err(format!("`{other}`: expected gzip, deflate or off")),
        }
    }
}

impl std::fmt::Display for Compression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.token().unwrap_or("off"))
    }
}

impl Compression {
    /// The `Content-Encoding` it sends (also its name on the command line).
    fn token(self) -> Option<&'static str> {
        match self {
            Self::Off => None,
            Self::Gzip => Some("gzip"),
            Self::Deflate => Some("deflate"),
        }
    }
}

/// Answers smaller than this go out as they are (nginx's `gzip_min_length` is 20; a little
/// more saves compressing error bodies of a few bytes).
const MIN_LENGTH: usize = 256;
/// Paced bodies leave in pieces this large, so concurrent answers share the link.
const PIECE: usize = 16 * 1024;

/// The proxy and the link, shared by every connection.
#[derive(Debug)]
pub struct Link {
    compression: Compression,
    /// Bytes per second of the whole link, if limited.
    rate: Option<f64>,
    /// When the link is next free: answers queue behind each other as on a real line.
    free_at: Mutex<Instant>,
    /// Body bytes sent (after compression), for tests and the benchmark.
    pub body_bytes: AtomicU64,
    /// Answers sent compressed.
    pub compressed: AtomicU64,
}

impl Link {
    pub fn new(compression: Compression, bandwidth_mbps: Option<f64>) -> Self {
        Link {
            compression,
            rate: bandwidth_mbps.filter(|m| *m > 0.0).map(|m| m * 1_000_000.0 / 8.0),
            free_at: Mutex::new(Instant::now()),
            body_bytes: AtomicU64::new(0),
            compressed: AtomicU64::new(0),
        }
    }

    /// The answer as the client receives it: compressed if it asked and it pays, paced to
    /// the link's bandwidth.
    pub async fn carry(
        self: &std::sync::Arc<Self>,
        request: &HeaderMap,
        response: Response<Body>,
    ) -> Response<Body> {
        let encoding = self.compression.token().filter(|t| accepts(request, t));
        if encoding.is_none() && self.rate.is_none() {
            // Nothing to do: streamed bodies stay streamed (counted when their size is known).
            let size = hyper::body::Body::size_hint(response.body()).exact();
            self.body_bytes.fetch_add(size.unwrap_or(0), Ordering::Relaxed);
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        if let Some(token) = encoding
            && bytes.len() >= MIN_LENGTH
            && !parts.headers.contains_key(header::CONTENT_ENCODING)
            && compressible(&parts.headers)
        {
            bytes = encode(self.compression, &bytes);
            parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(token));
            parts.headers.remove(header::CONTENT_LENGTH);
            self.compressed.fetch_add(1, Ordering::Relaxed);
        }
        if self.compression != Compression::Off {
            parts.headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        self.body_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let Some(rate) = self.rate else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(2);
        let link = std::sync::Arc::clone(self);
        tokio::spawn(async move {
            let mut rest = bytes;
            while !rest.is_empty() {
                let piece = rest.split_to(PIECE.min(rest.len()));
                tokio::time::sleep_until(link.reserve(piece.len(), rate)).await;
                if tx.send(Ok(piece)).await.is_err() {
                    return; // the client went away
                }
            }
        });
        Response::from_parts(parts, Body::new(ChannelBody(rx)))
    }

    /// Books `n` bytes on the link; returns when they have crossed it.
    fn reserve(&self, n: usize, rate: f64) -> Instant {
        let mut free_at = self.free_at.lock().unwrap_or_else(|e| e.into_inner());
        let start = (*free_at).max(Instant::now());
        *free_at = start + Duration::from_secs_f64(n as f64 / rate);
        *free_at
    }
}

/// Whether `Accept-Encoding` names `token` with a non-zero quality.
fn accepts(headers: &HeaderMap, token: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|item| {
            let mut fields = item.split(';').map(str::trim);
            let name = fields.next().unwrap_or("");
            let zero = fields.any(|f| {
                f.strip_prefix("q=").and_then(|q| q.parse::<f64>().ok()).is_some_and(|q| q == 0.0)
            });
            name.eq_ignore_ascii_case(token) && !zero
        })
    })
}

/// JSON, HTML and other text: what nginx's `gzip_types` usually lists.
fn compressible(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json") || ct.starts_with("text/"))
}

/// Level 1, nginx's default `gzip_comp_level`.
fn encode(compression: Compression, bytes: &[u8]) -> Bytes {
    let level = flate2::Compression::fast();
    let out = Vec::with_capacity(bytes.len() / 4);
    let written = match compression {
        Compression::Deflate => {
            let mut e = flate2::write::ZlibEncoder::new(out, level);
            e.write_all(bytes).and_then(|_| e.finish())
        }
        _ => {
            let mut e = flate2::write::GzEncoder::new(out, level);
            e.write_all(bytes).and_then(|_| e.finish())
        }
    };
    // Writing into a Vec cannot fail.
    Bytes::from(written.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        h
    }

    #[test]
    fn reads_accept_encoding_like_a_proxy() {
        assert!(accepts(&headers("gzip, br, deflate"), "gzip"));
        assert!(accepts(&headers("br;q=1.0, GZIP;q=0.5"), "gzip"));
        assert!(!accepts(&headers("gzip;q=0, br"), "gzip"));
        assert!(!accepts(&headers("identity"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn gzip_round_trips() {
        let text = b"{\"count\": 1, \"data\": []}".repeat(100);
        let packed = encode(Compression::Gzip, &text);
        assert!(packed.len() < text.len() / 10);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut out)
            .unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn the_link_is_shared_and_paced() {
        let link = Link::new(Compression::Off, Some(8.0)); // 1,000,000 bytes/s
        let rate = link.rate.unwrap();
        let start = Instant::now();
        let first = link.reserve(500_000, rate);
        let second = link.reserve(500_000, rate);
        assert!(first - start >= Duration::from_millis(500));
        assert!(first - start < Duration::from_millis(600));
        assert_eq!(second - first, Duration::from_millis(500));
    }
}
