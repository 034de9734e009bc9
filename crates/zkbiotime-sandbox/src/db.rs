//! The SQLite store: one connection behind a mutex, the schema, and per-table write
//! generations that tell the list-index cache when its snapshots are stale.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::ApiResult;
use crate::index::IndexCache;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Employee,
    Department,
    Area,
    Position,
    Terminal,
    Transaction,
    Resign,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Employee,
        Table::Department,
        Table::Area,
        Table::Position,
        Table::Terminal,
        Table::Transaction,
        Table::Resign,
    ];

    pub fn sql_name(self) -> &'static str {
        match self {
            Table::Employee => "employee",
            Table::Department => "department",
            Table::Area => "area",
            Table::Position => "position",
            Table::Terminal => "terminal",
            Table::Transaction => "iclock_transaction",
            Table::Resign => "resign",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS auth_token (
    key TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS department (
    id INTEGER PRIMARY KEY, dept_code TEXT NOT NULL UNIQUE, dept_name TEXT NOT NULL,
    parent_dept INTEGER);
CREATE INDEX IF NOT EXISTS department_parent ON department(parent_dept);
CREATE INDEX IF NOT EXISTS department_name ON department(dept_name);
CREATE TABLE IF NOT EXISTS area (
    id INTEGER PRIMARY KEY, area_code TEXT NOT NULL UNIQUE, area_name TEXT NOT NULL,
    parent_area INTEGER);
CREATE INDEX IF NOT EXISTS area_parent ON area(parent_area);
CREATE INDEX IF NOT EXISTS area_name ON area(area_name);
CREATE TABLE IF NOT EXISTS position (
    id INTEGER PRIMARY KEY, position_code TEXT NOT NULL UNIQUE, position_name TEXT NOT NULL,
    parent_position INTEGER);
CREATE INDEX IF NOT EXISTS position_parent ON position(parent_position);
CREATE INDEX IF NOT EXISTS position_name ON position(position_name);
CREATE TABLE IF NOT EXISTS employee (
    id INTEGER PRIMARY KEY,
    emp_code TEXT NOT NULL UNIQUE,
    first_name TEXT, last_name TEXT, nickname TEXT,
    photo TEXT NOT NULL DEFAULT '',
    device_password TEXT, card_no TEXT,
    department INTEGER NOT NULL, position INTEGER,
    hire_date TEXT, gender TEXT, birthday TEXT,
    verify_mode INTEGER DEFAULT -1, emp_type INTEGER,
    contact_tel TEXT, office_tel TEXT, mobile TEXT, national TEXT, city TEXT, address TEXT,
    postcode TEXT, email TEXT, enroll_sn TEXT DEFAULT '', ssn TEXT, religion TEXT,
    enable_attendance INTEGER NOT NULL DEFAULT 1, enable_overtime INTEGER NOT NULL DEFAULT 1,
    enable_holiday INTEGER NOT NULL DEFAULT 1, enable_schedule INTEGER NOT NULL DEFAULT 1,
    dev_privilege INTEGER DEFAULT 0, app_status INTEGER DEFAULT 0, app_role INTEGER DEFAULT 1,
    update_time TEXT,
    fingerprint TEXT DEFAULT '-', face TEXT DEFAULT '-', palm TEXT DEFAULT '-',
    vl_face TEXT DEFAULT '-', vl_palm TEXT DEFAULT '-', vl_face_photo TEXT DEFAULT '-',
    self_password TEXT,
    custom TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS employee_department ON employee(department);
CREATE INDEX IF NOT EXISTS employee_first_name ON employee(first_name);
CREATE INDEX IF NOT EXISTS employee_last_name ON employee(last_name);
CREATE INDEX IF NOT EXISTS employee_position ON employee(position);
CREATE TABLE IF NOT EXISTS employee_area (
    employee_id INTEGER NOT NULL, area_id INTEGER NOT NULL,
    PRIMARY KEY (employee_id, area_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS employee_area_area ON employee_area(area_id);
CREATE TABLE IF NOT EXISTS terminal (
    id INTEGER PRIMARY KEY, sn TEXT NOT NULL UNIQUE, ip_address TEXT, alias TEXT,
    terminal_name TEXT, fw_ver TEXT, push_ver TEXT, state TEXT, terminal_tz INTEGER,
    area INTEGER, last_activity TEXT, user_count INTEGER, fp_count INTEGER,
    face_count INTEGER, palm_count INTEGER, transaction_count INTEGER, push_time TEXT,
    transfer_time TEXT, transfer_interval INTEGER, is_attendance INTEGER);
CREATE INDEX IF NOT EXISTS terminal_alias ON terminal(alias);
CREATE INDEX IF NOT EXISTS terminal_area ON terminal(area);
CREATE TABLE IF NOT EXISTS iclock_transaction (
    id INTEGER PRIMARY KEY,
    emp_code TEXT NOT NULL, punch_time TEXT NOT NULL, punch_state TEXT,
    verify_type INTEGER, work_code TEXT, terminal_sn TEXT, terminal_alias TEXT,
    area_alias TEXT, longitude REAL, latitude REAL, gps_location TEXT DEFAULT '',
    mobile TEXT, source INTEGER DEFAULT 1, purpose INTEGER DEFAULT 1, crc TEXT,
    is_attendance INTEGER DEFAULT 1, reserved TEXT, upload_time TEXT,
    sync_status INTEGER DEFAULT 0, sync_time TEXT, is_mask INTEGER DEFAULT 255,
    temperature REAL DEFAULT 255, emp INTEGER, terminal INTEGER);
-- Resignations (8.5 / 9.5 only). AUTOINCREMENT: a deleted resign's id is never handed out
-- again, as with the server's database sequences.
CREATE TABLE IF NOT EXISTS resign (
    id INTEGER PRIMARY KEY AUTOINCREMENT, employee INTEGER NOT NULL,
    resign_date TEXT NOT NULL, resign_type INTEGER NOT NULL DEFAULT 1,
    disableatt INTEGER NOT NULL DEFAULT 1, reason TEXT);
CREATE INDEX IF NOT EXISTS resign_employee ON resign(employee);
"#;

/// Indexes on the punch table, created after bulk loads (building them once is cheaper
/// than maintaining them row by row). Orderings need none: list snapshots sort in memory;
/// these serve the employee and punch-time filters.
pub const TRANSACTION_INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS transaction_emp_code ON iclock_transaction(emp_code);
CREATE INDEX IF NOT EXISTS transaction_punch_time ON iclock_transaction(punch_time);
"#;

pub const DROP_TRANSACTION_INDEXES: &str = r#"
DROP INDEX IF EXISTS transaction_emp_code;
DROP INDEX IF EXISTS transaction_punch_time;
"#;

/// Everything guarded by the one lock: the connection and the caches that mirror it.
pub struct Store {
    pub conn: Connection,
    pub cache: IndexCache,
    generations: [u64; Table::ALL.len()],
}

impl Store {
    /// Marks a table as changed in a way appends cannot describe (update / delete).
    pub fn touch(&mut self, table: Table) {
        self.generations[table.slot()] += 1;
    }

    pub fn generation(&self, table: Table) -> u64 {
        self.generations[table.slot()]
    }

    pub fn exists(&self, table: Table, id: i64) -> bool {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?", table.sql_name());
        self.conn.prepare_cached(&sql).and_then(|mut s| s.exists(params![id])).unwrap_or(false)
    }

    pub fn max_id(&self, table: Table) -> rusqlite::Result<i64> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {}", table.sql_name());
        self.conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))
    }

    pub fn meta(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn.query_row("SELECT value FROM meta WHERE key = ?", [key], |r| r.get(0)).optional()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

pub struct Db {
    inner: Mutex<Store>,
}

impl Db {
    /// Opens (or creates) the database; in memory when `path` is `None`.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Db> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        // A test fixture, not a bank: trade durability for speed.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
        )?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(TRANSACTION_INDEXES)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Db {
            inner: Mutex::new(Store {
                conn,
                cache: IndexCache::default(),
                generations: [0; Table::ALL.len()],
            }),
        })
    }

    /// Locks the store; a panic in another holder does not make the data unusable.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on a blocking thread with the store locked.
    pub async fn run<R, F>(self: &Arc<Self>, f: F) -> ApiResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> ApiResult<R> + Send + 'static,
    {
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || f(&mut db.lock())).await?
    }
}
