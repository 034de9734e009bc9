//! The accept loop (hyper, one task per connection) and the `Sandbox` handle tests hold.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use rand::Rng;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use tokio_rustls::TlsAcceptor;

use crate::config::SandboxConfig;
use crate::db::Db;
use crate::faults::{FaultPlan, FaultSpec, FaultStats};
use crate::generate::{self, NewPunch};
use crate::router::{self, ConnCtx};
use crate::state::AppState;
use crate::{clock, live, seed, tls};

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Starts a sandbox (binds `config.listen`, 127.0.0.1:0 by default).
pub async fn spawn(config: SandboxConfig) -> anyhow::Result<Sandbox> {
    let acceptor = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let db = Arc::new(Db::open(config.db_path.as_deref())?);
    {
        let (db, config) = (Arc::clone(&db), config.clone());
        tokio::task::spawn_blocking(move || seed::prepare(&mut db.lock(), &config)).await??;
    }
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let live_rate = config.live_rate;
    let state = Arc::new(AppState::new(config, db)?);
    let (shutdown, rx) = watch::channel(false);
    if live_rate > 0.0 {
        tokio::spawn(live::run(Arc::clone(&state), live_rate, rx.clone()));
    }
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), acceptor, rx));
    Ok(Sandbox { addr, scheme, state, shutdown, task: Some(task) })
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<AppState>,
    acceptor: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let local = stream.local_addr().unwrap_or_else(|_| ([127, 0, 0, 1], 0).into());
                    let state = Arc::clone(&state);
                    match acceptor.clone() {
                        None => {
                            conns.spawn(serve(stream, state, local, "http"));
                        }
                        Some(acceptor) => {
                            // The handshake runs in the connection's task, not the accept loop.
                            conns.spawn(async move {
                                match acceptor.accept(stream).await {
                                    Ok(tls) => serve(tls, state, local, "https").await,
                                    Err(e) => tracing::debug!("TLS handshake failed: {e}"),
                                }
                            });
                        }
                    }
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}

/// Serves one connection; a fault can drop it mid-request without an answer.
pub(crate) async fn serve<S>(
    io: S,
    state: Arc<AppState>,
    local_addr: SocketAddr,
    scheme: &'static str,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let ctx = Arc::new(ConnCtx { scheme, local_addr, kill: Arc::clone(&kill) });
    let svc = service_fn(move |req: hyper::Request<Incoming>| {
        let (state, ctx) = (Arc::clone(&state), Arc::clone(&ctx));
        async move { Ok::<_, Infallible>(router::handle(state, ctx, req.map(Body::new)).await) }
    });
    let builder = Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(io), svc);
    tokio::select! {
        res = conn => {
            if let Err(e) = res {
                tracing::debug!("connection ended: {e}");
            }
        }
        _ = kill.notified() => {}
    }
}

/// One punch as stored, for comparing a client's results with the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PunchRecord {
    pub id: i64,
    pub emp_code: String,
    pub punch_time: String,
    pub upload_time: String,
    pub punch_state: String,
    pub terminal_sn: String,
}

impl Sandbox {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn username(&self) -> &str {
        &self.state.config.username
    }

    pub fn password(&self) -> &str {
        &self.state.config.password
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }

    /// Requests answered so far.
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// The most requests that were being answered at one time so far.
    pub fn peak_requests_in_flight(&self) -> u64 {
        self.state.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Answers sent compressed so far (the client asked for an encoding the proxy speaks).
    pub fn compressed_answers(&self) -> u64 {
        self.state.link.compressed.load(Ordering::Relaxed)
    }

    /// Body bytes sent so far, as they crossed the link (after compression).
    pub fn body_bytes_sent(&self) -> u64 {
        self.state.link.body_bytes.load(Ordering::Relaxed)
    }

    /// Runs a closure on the database connection (for assertions tests need beyond the
    /// helpers below).
    pub fn with_db<R>(&self, f: impl FnOnce(&rusqlite::Connection) -> R) -> R {
        f(&self.state.db.lock().conn)
    }

    fn ids(&self, sql: &str) -> Vec<i64> {
        self.with_db(|c| {
            let mut stmt = c.prepare(sql).expect("valid SQL");
            stmt.query_map([], |r| r.get(0))
                .expect("query")
                .collect::<rusqlite::Result<Vec<i64>>>()
                .expect("rows")
        })
    }

    /// Every transaction id, ascending.
    pub fn transaction_ids(&self) -> Vec<i64> {
        self.ids("SELECT id FROM iclock_transaction ORDER BY id")
    }

    pub fn transaction_count(&self) -> usize {
        self.ids("SELECT COUNT(*) FROM iclock_transaction")[0] as usize
    }

    /// Every punch, ascending id.
    pub fn transactions(&self) -> Vec<PunchRecord> {
        self.with_db(|c| {
            let mut stmt = c
                .prepare(
                    "SELECT id, emp_code, punch_time, COALESCE(upload_time, ''),
                            COALESCE(punch_state, ''), COALESCE(terminal_sn, '')
                     FROM iclock_transaction ORDER BY id",
                )
                .expect("valid SQL");
            stmt.query_map([], |r| {
                Ok(PunchRecord {
                    id: r.get(0)?,
                    emp_code: r.get(1)?,
                    punch_time: r.get(2)?,
                    upload_time: r.get(3)?,
                    punch_state: r.get(4)?,
                    terminal_sn: r.get(5)?,
                })
            })
            .expect("query")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows")
        })
    }

    pub fn employee_ids(&self) -> Vec<i64> {
        self.ids("SELECT id FROM employee ORDER BY id")
    }

    pub fn employee_count(&self) -> usize {
        self.ids("SELECT COUNT(*) FROM employee")[0] as usize
    }

    /// Appends `n` punches uploaded now; with `late` their punch times lie hours to days in
    /// the past (an offline device catching up). Returns the new ids.
    pub fn insert_punches(&self, n: usize, late: bool) -> Vec<i64> {
        let share = if late { 1.0 } else { 0.0 };
        insert_punches_mixed(&self.state, n, share).expect("insert punches")
    }

    /// The CA to trust when the sandbox generated its own certificate.
    pub fn tls_ca_pem(&self) -> Option<&str> {
        self.state.config.tls_ca_pem.as_deref()
    }

    /// Replaces the fault mix (restarting its seeded sequence).
    pub fn set_faults(&self, spec: FaultSpec) {
        *self.state.faults.lock().unwrap_or_else(|e| e.into_inner()) =
            FaultPlan::new(spec, self.state.config.seed);
    }

    /// Faults injected so far.
    pub fn fault_stats(&self) -> FaultStats {
        self.state.fault_counters.snapshot()
    }

    /// Invalidates every login token, as an admin revoking it would.
    pub fn revoke_tokens(&self) {
        self.state.tokens.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.with_db(|c| c.execute("DELETE FROM auth_token", [])).expect("delete tokens");
    }

    /// Stops accepting and closes open connections.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Inserts punches for random existing employees with upload_time = now; a `late_share` of
/// them were punched hours to days earlier.
pub(crate) fn insert_punches_mixed(
    state: &AppState,
    n: usize,
    late_share: f64,
) -> anyhow::Result<Vec<i64>> {
    let store = state.db.lock();
    let conn = &store.conn;
    let employees: Vec<(i64, String)> = {
        // A bounded sample keeps this cheap on million-employee sites.
        let mut stmt = conn.prepare("SELECT id, emp_code FROM employee ORDER BY id LIMIT 5000")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let devices = generate::devices(conn)?;
    anyhow::ensure!(
        !employees.is_empty() && !devices.is_empty(),
        "need an employee and a device to punch"
    );
    let latest: Option<String> =
        conn.query_row("SELECT MAX(upload_time) FROM iclock_transaction", [], |r| r.get(0))?;
    // Uploads never go back in time, even if the wall clock does.
    let now = clock::now_local()
        .max(latest.as_deref().and_then(clock::parse_datetime).map_or(0, |t| t + 1));
    let punches: Vec<NewPunch> = {
        let mut rng = state.rng.lock().unwrap_or_else(|e| e.into_inner());
        (0..n)
            .map(|_| {
                let punch = if rng.random_bool(late_share.clamp(0.0, 1.0)) {
                    now - rng.random_range(3_600..259_200)
                } else {
                    now - rng.random_range(0..5)
                };
                NewPunch {
                    emp: rng.random_range(0..employees.len()) as u32,
                    punch,
                    upload: now,
                    state: rng.random_range(0..2),
                    verify: if rng.random_bool(0.6) { 1 } else { 15 },
                    device: rng.random_range(0..devices.len()) as u16,
                    temperature: None,
                    mask: 255,
                }
            })
            .collect()
    };
    let tx = conn.unchecked_transaction()?;
    let ids = generate::insert(conn, &employees, &devices, &punches)?;
    tx.commit()?;
    Ok(ids)
}
