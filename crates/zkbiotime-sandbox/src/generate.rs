//! Deterministic large-site generator: N employees with four punches a day over D days,
//! bulk-inserted in one transaction with prepared statements.

use rusqlite::{Connection, params};

use crate::clock::{self, days_from_civil};
use crate::db::{DROP_TRANSACTION_INDEXES, TRANSACTION_INDEXES};
use crate::password::make_password;
use crate::rng::Rng64;

/// The generated history ends on this day (the manual's examples are from June 2024).
pub const END_DAY: (i64, u32, u32) = (2024, 6, 30);

const FIRST_NAMES: [&str; 24] = [
    "Amina", "Bilal", "Chen", "Daniela", "Emeka", "Fatima", "Gustavo", "Hana", "Ivan", "Jia",
    "Kofi", "Leila", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sipho", "Tariq", "Uma",
    "Viktor", "Wei", "Yusuf",
];
const LAST_NAMES: [&str; 20] = [
    "Ahmed",
    "Brown",
    "Costa",
    "Dlamini",
    "Evans",
    "Fernandes",
    "Garcia",
    "Hussain",
    "Ito",
    "Khan",
    "Lopez",
    "Mensah",
    "Nguyen",
    "Okafor",
    "Petrov",
    "Rahman",
    "Silva",
    "Tanaka",
    "Usman",
    "Wang",
];

/// A device punches can come from.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub sn: String,
    pub alias: Option<String>,
    pub area_name: Option<String>,
}

/// One punch to insert; employees and devices are indexes into the caller's lists.
#[derive(Debug, Clone, Copy)]
pub struct NewPunch {
    pub emp: u32,
    pub punch: i64,
    pub upload: i64,
    pub state: u8,
    pub verify: u8,
    pub device: u16,
    /// Body temperature in tenths of a degree, or `None` for "not measured" (255).
    pub temperature: Option<u16>,
    pub mask: u8,
}

pub fn devices(conn: &Connection) -> rusqlite::Result<Vec<Device>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.sn, t.alias, a.area_name FROM terminal t
         LEFT JOIN area a ON a.id = t.area ORDER BY t.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Device { id: r.get(0)?, sn: r.get(1)?, alias: r.get(2)?, area_name: r.get(3)? })
    })?;
    rows.collect()
}

/// Makes sure a department, an area and a device exist (for `--empty` sites).
pub fn ensure_org(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO department(dept_code, dept_name)
             SELECT 'GEN', 'Generated' WHERE NOT EXISTS (SELECT 1 FROM department);
         INSERT INTO area(area_code, area_name)
             SELECT 'GEN', 'Generated' WHERE NOT EXISTS (SELECT 1 FROM area);
         INSERT INTO terminal(sn, alias, terminal_name, state, terminal_tz, area, ip_address,
                              transfer_time, transfer_interval, is_attendance)
             SELECT 'GEN0000000001', 'Generated', 'SpeedFace-V5L[TD]', '1', 8,
                    (SELECT MIN(id) FROM area), '127.0.0.1', '00:00;14:05', 1, 1
             WHERE NOT EXISTS (SELECT 1 FROM terminal);",
    )
}

/// Inserts `n` employees `E000001`..; returns their (id, emp_code).
pub fn employees(
    conn: &Connection,
    n: usize,
    rng: &mut Rng64,
) -> rusqlite::Result<Vec<(i64, String)>> {
    let ids = |sql: &str| -> rusqlite::Result<Vec<i64>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    };
    let depts = ids("SELECT id FROM department ORDER BY id")?;
    let areas = ids("SELECT id FROM area ORDER BY id")?;
    let positions = ids("SELECT id FROM position ORDER BY id")?;
    // Area 1 is "Not Authorized" on demo sites; put people in the real areas if any.
    let areas: Vec<i64> = if areas.len() > 1 { areas[1..].to_vec() } else { areas };
    let mut emp_stmt = conn.prepare(
        "INSERT INTO employee(emp_code, first_name, last_name, nickname, department, position,
             hire_date, verify_mode, enroll_sn, update_time, fingerprint, face, self_password,
             contact_tel, mobile, email, card_no)
         VALUES (?, ?, ?, '', ?, ?, ?, 0, '', '2024-06-30 18:00:00', ?, ?, ?, '', '', '', ?)",
    )?;
    let mut area_stmt =
        conn.prepare("INSERT INTO employee_area(employee_id, area_id) VALUES (?, ?)")?;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let code = format!("E{i:06}");
        let first = *rng.pick(&FIRST_NAMES);
        let last = *rng.pick(&LAST_NAMES);
        let dept = *rng.pick(&depts);
        let position = (!positions.is_empty() && rng.chance(0.8)).then(|| *rng.pick(&positions));
        let hire = days_from_civil(2015, 1, 1) + rng.range(0, 3400);
        let hire = clock::datetime(hire * 86_400)[..10].to_string();
        let fingerprint = if rng.chance(0.7) { "Ver 10:1" } else { "-" };
        let face = if rng.chance(0.5) { "Ver 12:1" } else { "-" };
        let card = rng.chance(0.5).then(|| rng.range(1_000_000, 9_999_999).to_string());
        emp_stmt.execute(params![
            code,
            first,
            last,
            dept,
            position,
            hire,
            fingerprint,
            face,
            make_password("123456", &code),
            card
        ])?;
        let id = conn.last_insert_rowid();
        area_stmt.execute(params![id, areas[i % areas.len()]])?;
        out.push((id, code));
    }
    Ok(out)
}

/// Four punches per employee per day over `days` days ending on [`END_DAY`]; a
/// `late_fraction` share is uploaded hours to days after it was punched.
pub fn punches(
    n_employees: usize,
    n_devices: usize,
    days: u32,
    late_fraction: f64,
    rng: &mut Rng64,
) -> Vec<NewPunch> {
    let (y, m, d) = END_DAY;
    let last_day = days_from_civil(y, m, d);
    let mut out = Vec::with_capacity(n_employees * days as usize * 4);
    // (earliest minute of the day, width in minutes, punch state)
    const SLOTS: [(i64, i64, u8); 4] = [(420, 150, 0), (690, 60, 1), (765, 60, 0), (960, 179, 1)];
    for day in (last_day - i64::from(days) + 1)..=last_day {
        for emp in 0..n_employees {
            let device = rng.below(n_devices as u64) as u16;
            let verify = if rng.chance(0.6) { 1 } else { 15 };
            let measured = rng.chance(0.1);
            for (start, width, state) in SLOTS {
                let minute = start + rng.range(0, width);
                let punch = day * 86_400 + minute * 60 + rng.range(0, 60);
                let delay = if rng.chance(late_fraction) {
                    rng.range(3_600, 259_200)
                } else {
                    rng.range(1, 60)
                };
                out.push(NewPunch {
                    emp: emp as u32,
                    punch,
                    upload: punch + delay,
                    state,
                    verify,
                    device,
                    temperature: measured.then(|| 360 + rng.below(13) as u16),
                    mask: if measured { rng.below(2) as u8 } else { 255 },
                });
            }
        }
    }
    // Ids are assigned on arrival: insert in upload order (ties in a fixed order).
    out.sort_by_key(|p| p.upload);
    out
}

const INSERT_COLUMNS: &str = "INSERT INTO iclock_transaction(emp_code, punch_time, \
    punch_state, verify_type, terminal_sn, terminal_alias, area_alias, upload_time, is_mask, \
    temperature, emp, terminal, sync_status) VALUES ";
const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
/// Rows per multi-row INSERT: fewer statement executions is most of the bulk speed.
const BATCH: usize = 64;

/// Inserts punches in the given order; returns the new ids.
pub fn insert(
    conn: &Connection,
    employees: &[(i64, String)],
    devices: &[Device],
    punches: &[NewPunch],
) -> rusqlite::Result<Vec<i64>> {
    const STATES: [&str; 6] = ["0", "1", "2", "3", "4", "5"];
    let many_sql = format!("{INSERT_COLUMNS}{}", vec![ROW; BATCH].join(", "));
    let mut many = conn.prepare_cached(&many_sql)?;
    let mut one = conn.prepare_cached(&format!("{INSERT_COLUMNS}{ROW}"))?;
    let mut ids = Vec::with_capacity(punches.len());
    let mut text = String::with_capacity(19);
    for chunk in punches.chunks(BATCH) {
        let stmt = if chunk.len() == BATCH { &mut many } else { &mut one };
        let rows: &[NewPunch] = if chunk.len() == BATCH { chunk } else { &chunk[..1] };
        let mut pending = if chunk.len() == BATCH { &[][..] } else { &chunk[1..] };
        let mut batch = rows;
        loop {
            for (i, p) in batch.iter().enumerate() {
                let base = i * 12;
                let (emp_id, code) = &employees[p.emp as usize];
                let dev = &devices[usize::from(p.device)];
                stmt.raw_bind_parameter(base + 1, code)?;
                text.clear();
                clock::write_datetime(p.punch, &mut text);
                stmt.raw_bind_parameter(base + 2, &text)?;
                stmt.raw_bind_parameter(base + 3, STATES[usize::from(p.state).min(5)])?;
                stmt.raw_bind_parameter(base + 4, p.verify)?;
                stmt.raw_bind_parameter(base + 5, &dev.sn)?;
                stmt.raw_bind_parameter(base + 6, &dev.alias)?;
                stmt.raw_bind_parameter(base + 7, &dev.area_name)?;
                text.clear();
                clock::write_datetime(p.upload, &mut text);
                stmt.raw_bind_parameter(base + 8, &text)?;
                stmt.raw_bind_parameter(base + 9, p.mask)?;
                let temperature = p.temperature.map_or(255.0, |t| f64::from(t) / 10.0);
                stmt.raw_bind_parameter(base + 10, temperature)?;
                stmt.raw_bind_parameter(base + 11, emp_id)?;
                stmt.raw_bind_parameter(base + 12, dev.id)?;
            }
            stmt.raw_execute()?;
            // Rows of one INSERT get consecutive rowids ending at the last one.
            let last = conn.last_insert_rowid();
            let n = batch.len() as i64;
            ids.extend(last - n + 1..=last);
            match pending.split_first() {
                Some((first, rest)) => {
                    batch = std::slice::from_ref(first);
                    pending = rest;
                }
                None => break,
            }
        }
    }
    Ok(ids)
}

/// Generates a large site in one transaction; punch indexes are rebuilt afterwards.
pub fn site(
    conn: &Connection,
    n_employees: usize,
    days: u32,
    seed: u64,
    late_fraction: f64,
) -> rusqlite::Result<usize> {
    let mut rng = Rng64::new(seed);
    let tx = conn.unchecked_transaction()?;
    ensure_org(conn)?;
    let t = std::time::Instant::now();
    let emps = employees(conn, n_employees, &mut rng)?;
    let devs = devices(conn)?;
    tracing::debug!("employees {:?}", t.elapsed());
    let ps = punches(emps.len(), devs.len(), days, late_fraction, &mut rng);
    tracing::debug!("punches {:?}", t.elapsed());
    conn.execute_batch(DROP_TRANSACTION_INDEXES)?;
    insert(conn, &emps, &devs, &ps)?;
    tracing::debug!("insert {:?}", t.elapsed());
    conn.execute_batch(TRANSACTION_INDEXES)?;
    tracing::debug!("index {:?}", t.elapsed());
    tx.commit()?;
    Ok(ps.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punches_are_deterministic_and_in_hours() {
        let a = punches(3, 2, 2, 0.0, &mut Rng64::new(1));
        let b = punches(3, 2, 2, 0.0, &mut Rng64::new(1));
        assert_eq!(a.len(), 24);
        assert!(a.iter().zip(&b).all(|(x, y)| x.punch == y.punch));
        for p in &a {
            let tod = p.punch.rem_euclid(86_400);
            assert!((7 * 3600..19 * 3600).contains(&tod), "{tod}");
        }
        assert!(a.windows(2).all(|w| w[0].upload <= w[1].upload));
    }
}
