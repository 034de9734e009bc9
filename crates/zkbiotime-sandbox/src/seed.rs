//! The demo site: the manual's example objects plus a few more, and a week of punches.

use rusqlite::Connection;

use crate::config::SandboxConfig;
use crate::db::Store;
use crate::generate;
use crate::password::make_password;
use crate::rng::Rng64;

const ORG: &str = r#"
INSERT INTO department(id, dept_code, dept_name, parent_dept) VALUES
    (1, '1', 'Department', NULL),
    (2, '2', 'Human Resources', 1),
    (3, '3', 'Engineering', 1),
    (4, '4', 'Sales', 1),
    (5, '5', 'Operations', 1);
INSERT INTO area(id, area_code, area_name, parent_area) VALUES
    (1, '1', 'Not Authorized', NULL),
    (2, '2', 'ZKTeco', 1),
    (3, '3', 'Head Office', 2),
    (4, '4', 'Warehouse', 2);
INSERT INTO position(id, position_code, position_name, parent_position) VALUES
    (1, '1', 'Position', NULL),
    (2, '2', 'Manager', 1),
    (3, '3', 'Engineer', 2),
    (4, '4', 'Clerk', 2);
INSERT INTO terminal(id, sn, ip_address, alias, terminal_name, fw_ver, push_ver, state,
    terminal_tz, area, last_activity, user_count, fp_count, face_count, palm_count,
    transaction_count, push_time, transfer_time, transfer_interval, is_attendance) VALUES
    (1, 'CKJF201260077', '10.8.12.241', 'Auto add', 'SpeedFace-V5L[TD]',
     'ZAM170-NF-1.8.12-OCM-355-01', 'Ver 2.0.33S-20220623', '1', 8, 2, '2024-06-26 15:46:45',
     100, 10, 3, 5, 15, '2024-06-26 15:36:17', '00:00;14:05', 1, 1),
    (2, 'CKJF201260078', '10.8.12.242', 'Main Gate', 'SpeedFace-V5L[TD]',
     'ZAM170-NF-1.8.12-OCM-355-01', 'Ver 2.0.33S-20220623', '1', 8, 3, '2024-06-30 18:58:12',
     40, 35, 12, 0, 210, '2024-06-30 18:58:10', '00:00;14:05', 1, 1),
    (3, 'BOCK194960001', '10.8.14.17', 'Warehouse Door', 'MB460', 'Ver 6.60 Apr 13 2022',
     'Ver 2.0.28-20210303', '1', 8, 4, '2024-06-30 18:40:03', 12, 12, 0, 0, 64,
     '2024-06-30 18:40:01', '00:00;14:05', 1, 1);
"#;

/// (id, emp_code, first, last, department, position, areas, hire_date, update_time,
/// fingerprint, face, palm)
type DemoEmployee = (
    i64,
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
    Option<i64>,
    &'static [i64],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const EMPLOYEES: [DemoEmployee; 6] = [
    (
        1,
        "1",
        "Harry",
        Some("Potter"),
        1,
        None,
        &[2],
        "2018-06-26",
        "2024-06-26 17:16:09",
        "Ver 10:1",
        "-",
        "-",
    ),
    (
        2,
        "2",
        "Hermione",
        Some("Granger"),
        2,
        Some(2),
        &[2, 3],
        "2019-09-01",
        "2024-06-20 09:12:44",
        "Ver 10:2",
        "Ver 12:1",
        "-",
    ),
    (
        3,
        "3",
        "Ron",
        Some("Weasley"),
        3,
        Some(3),
        &[3],
        "2019-09-01",
        "2024-06-20 09:13:02",
        "Ver 10:1",
        "-",
        "-",
    ),
    (
        4,
        "4",
        "Luna",
        Some("Lovegood"),
        4,
        Some(4),
        &[4],
        "2021-03-15",
        "2024-06-21 14:02:31",
        "-",
        "Ver 12:1",
        "-",
    ),
    (
        5,
        "5",
        "Neville",
        Some("Longbottom"),
        5,
        Some(4),
        &[3, 4],
        "2022-01-10",
        "2024-06-22 08:45:00",
        "Ver 10:1",
        "-",
        "-",
    ),
    (
        6,
        "303",
        "gucci",
        None,
        1,
        None,
        &[2],
        "2024-06-26",
        "2024-06-26 15:38:49",
        "-",
        "-",
        "Ver 12:1",
    ),
];

fn insert_employees(conn: &Connection) -> rusqlite::Result<()> {
    let mut emp = conn.prepare(
        "INSERT INTO employee(id, emp_code, first_name, last_name, nickname, department,
             position, hire_date, verify_mode, contact_tel, mobile, national, city, address,
             postcode, email, enroll_sn, religion, update_time, fingerprint, face, palm,
             self_password)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    let mut area = conn.prepare("INSERT INTO employee_area(employee_id, area_id) VALUES (?, ?)")?;
    for (id, code, first, last, dept, pos, areas, hire, updated, fp, face, palm) in EMPLOYEES {
        // The manual's "gucci" (4.2) has nulls where Harry (4.1) has empty strings.
        let blank = if last.is_some() { Some("") } else { None };
        let enroll = if last.is_some() { "" } else { "CKJF201260077" };
        emp.execute(rusqlite::params![
            id,
            code,
            first,
            last,
            blank,
            dept,
            pos,
            hire,
            blank,
            blank,
            blank,
            blank,
            blank,
            blank,
            blank,
            enroll,
            blank,
            updated,
            fp,
            face,
            palm,
            make_password("123456", code)
        ])?;
        for a in areas {
            area.execute([id, *a])?;
        }
    }
    Ok(())
}

/// A week of punches for the demo employees, plus one punch in the manual's 9.1 shape.
fn insert_punches(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO iclock_transaction(emp_code, punch_time, punch_state, verify_type,
             work_code, terminal_sn, terminal_alias, area_alias, gps_location, source, purpose,
             is_attendance, upload_time, sync_status, is_mask, temperature, emp, terminal)
         VALUES ('1', '2024-06-23 09:50:00', '0', 1, NULL, '', NULL, NULL, '', 0, 1, 1,
                 '2024-06-23 09:50:00', 1, 1, 36.4, NULL, NULL)",
        [],
    )?;
    let emps: Vec<(i64, String)> = EMPLOYEES.iter().map(|e| (e.0, e.1.to_string())).collect();
    let devices = generate::devices(conn)?;
    let mut rng = Rng64::new(7);
    let punches = generate::punches(emps.len(), devices.len(), 7, 0.0, &mut rng);
    generate::insert(conn, &emps, &devices, &punches)?;
    Ok(())
}

/// Fills a fresh database once: demo data unless `empty`, then the generated site.
pub fn prepare(store: &mut Store, config: &SandboxConfig) -> anyhow::Result<()> {
    if store.meta("initialized")?.is_some() {
        return Ok(());
    }
    if !config.empty {
        let tx = store.conn.unchecked_transaction()?;
        store.conn.execute_batch(ORG)?;
        insert_employees(&store.conn)?;
        insert_punches(&store.conn)?;
        tx.commit()?;
    }
    if config.employees > 0 && config.days > 0 {
        let started = std::time::Instant::now();
        let n = generate::site(
            &store.conn,
            config.employees,
            config.days,
            config.seed,
            config.late_uploads,
        )?;
        tracing::info!(
            "generated {} employees and {n} punches in {:.2?}",
            config.employees,
            started.elapsed()
        );
    } else if config.employees > 0 {
        let tx = store.conn.unchecked_transaction()?;
        generate::ensure_org(&store.conn)?;
        let mut rng = Rng64::new(config.seed);
        generate::employees(&store.conn, config.employees, &mut rng)?;
        tx.commit()?;
    }
    store.set_meta("initialized", &crate::api::now_text())?;
    Ok(())
}
