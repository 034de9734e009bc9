//! Shared server state.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::SandboxConfig;
use crate::db::Db;
use crate::faults::{FaultCounters, FaultPlan};
use crate::hostile::{self, Scenario};
use crate::link::Link;

/// The single API user (DRF `User`).
pub const USER_ID: i64 = 1;

pub struct AppState {
    pub config: SandboxConfig,
    pub db: Arc<Db>,
    /// Login tokens (key → user id), mirrored from the `auth_token` table so checking a
    /// request never waits for the database lock.
    pub tokens: Mutex<HashMap<String, i64>>,
    pub jwt_secret: [u8; 32],
    /// Requests answered so far (all paths).
    pub requests: AtomicU64,
    /// Requests being answered now, and the most there were at once (a client's
    /// `concurrency` bound is checked against it).
    pub in_flight: AtomicU64,
    pub peak_in_flight: AtomicU64,
    /// Seeded randomness for runtime choices (inserted punches).
    pub rng: Mutex<StdRng>,
    /// The seeded fault sequence and what it injected.
    pub faults: Mutex<FaultPlan>,
    pub fault_counters: FaultCounters,
    /// The hostile scenario answering every non-login request, if any.
    pub hostile: Option<&'static Scenario>,
    /// The proxy and link between the server and its clients (compression, bandwidth).
    pub link: Arc<Link>,
}

impl AppState {
    pub fn new(config: SandboxConfig, db: Arc<Db>) -> anyhow::Result<Self> {
        let tokens = {
            let store = db.lock();
            let mut stmt = store.conn.prepare("SELECT key, user_id FROM auth_token")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<HashMap<String, i64>>>()?
        };
        let hostile = config.hostile.as_deref().map(hostile::scenario).transpose()?;
        let mut jwt_secret = [0u8; 32];
        rand::rng().fill(&mut jwt_secret);
        Ok(AppState {
            rng: Mutex::new(StdRng::seed_from_u64(config.seed ^ 0x5eed)),
            faults: Mutex::new(FaultPlan::new(config.faults.clone(), config.seed)),
            fault_counters: FaultCounters::default(),
            hostile,
            link: Arc::new(Link::new(config.compression, config.bandwidth_mbps)),
            config,
            db,
            tokens: Mutex::new(tokens),
            jwt_secret,
            requests: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
        })
    }
}
