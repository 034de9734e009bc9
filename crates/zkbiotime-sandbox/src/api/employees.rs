//! `/personnel/api/employees/`: reads nest department / position / areas, write answers
//! carry bare ids plus `self_password` and `flow_role`, custom attributes ride along as
//! extra top-level keys.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Row, params, params_from_iter};
use serde::Serialize;
use serde_json::{Map, Value};

use super::filters::Filters;
use super::{Versioned, deleted, list_page, now_text, object, today_text};
use crate::db::{Store, Table};
use crate::errors::{ApiError, ApiResult};
use crate::index::ListQuery;
use crate::json::{Attrs, Obj};
use crate::paging::RequestUrl;
use crate::password::make_password;
use crate::state::AppState;
use crate::validate::Form;
use crate::version::ServerVersion;

const COLUMNS: &str = "id, emp_code, first_name, last_name, nickname, photo, device_password, \
    card_no, department, position, hire_date, gender, birthday, verify_mode, emp_type, \
    contact_tel, office_tel, mobile, national, city, address, postcode, email, enroll_sn, ssn, \
    religion, enable_attendance, enable_overtime, enable_holiday, enable_schedule, \
    dev_privilege, app_status, app_role, update_time, fingerprint, face, palm, vl_face, \
    vl_palm, vl_face_photo, self_password, custom";

/// Nullable text columns a client may write, in the serializer's field order.
const TEXT_FIELDS_A: [&str; 5] =
    ["first_name", "last_name", "nickname", "device_password", "card_no"];
const TEXT_FIELDS_B: [&str; 11] = [
    "contact_tel",
    "office_tel",
    "mobile",
    "national",
    "city",
    "address",
    "postcode",
    "email",
    "enroll_sn",
    "ssn",
    "religion",
];

#[derive(Debug, Clone)]
struct EmpRow {
    id: i64,
    emp_code: String,
    first_name: Option<String>,
    last_name: Option<String>,
    nickname: Option<String>,
    photo: String,
    device_password: Option<String>,
    card_no: Option<String>,
    department: i64,
    position: Option<i64>,
    hire_date: Option<String>,
    gender: Option<String>,
    birthday: Option<String>,
    verify_mode: Option<i64>,
    emp_type: Option<i64>,
    contact_tel: Option<String>,
    office_tel: Option<String>,
    mobile: Option<String>,
    national: Option<String>,
    city: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    email: Option<String>,
    enroll_sn: Option<String>,
    ssn: Option<String>,
    religion: Option<String>,
    enable_attendance: bool,
    enable_overtime: bool,
    enable_holiday: bool,
    enable_schedule: bool,
    dev_privilege: Option<i64>,
    app_status: Option<i64>,
    app_role: Option<i64>,
    update_time: Option<String>,
    fingerprint: Option<String>,
    face: Option<String>,
    palm: Option<String>,
    vl_face: Option<String>,
    vl_palm: Option<String>,
    vl_face_photo: Option<String>,
    self_password: Option<String>,
    custom: String,
}

impl EmpRow {
    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(EmpRow {
            id: r.get(0)?,
            emp_code: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            nickname: r.get(4)?,
            photo: r.get(5)?,
            device_password: r.get(6)?,
            card_no: r.get(7)?,
            department: r.get(8)?,
            position: r.get(9)?,
            hire_date: r.get(10)?,
            gender: r.get(11)?,
            birthday: r.get(12)?,
            verify_mode: r.get(13)?,
            emp_type: r.get(14)?,
            contact_tel: r.get(15)?,
            office_tel: r.get(16)?,
            mobile: r.get(17)?,
            national: r.get(18)?,
            city: r.get(19)?,
            address: r.get(20)?,
            postcode: r.get(21)?,
            email: r.get(22)?,
            enroll_sn: r.get(23)?,
            ssn: r.get(24)?,
            religion: r.get(25)?,
            enable_attendance: r.get(26)?,
            enable_overtime: r.get(27)?,
            enable_holiday: r.get(28)?,
            enable_schedule: r.get(29)?,
            dev_privilege: r.get(30)?,
            app_status: r.get(31)?,
            app_role: r.get(32)?,
            update_time: r.get(33)?,
            fingerprint: r.get(34)?,
            face: r.get(35)?,
            palm: r.get(36)?,
            vl_face: r.get(37)?,
            vl_palm: r.get(38)?,
            vl_face_photo: r.get(39)?,
            self_password: r.get(40)?,
            custom: r.get(41)?,
        })
    }

    fn attrs(&self, names: &[String]) -> Attrs {
        let map: Map<String, Value> = serde_json::from_str(&self.custom).unwrap_or_default();
        Attrs(
            names
                .iter()
                .map(|n| {
                    let v = map.get(n).and_then(|v| v.as_str()).map(str::to_string);
                    (n.clone(), v)
                })
                .collect(),
        )
    }
}

#[derive(Serialize)]
pub struct DeptRef {
    id: i64,
    dept_code: String,
    dept_name: String,
}

#[derive(Serialize)]
pub struct PositionRef {
    id: i64,
    position_code: String,
    position_name: String,
}

#[derive(Serialize)]
pub struct AreaRef {
    pub id: i64,
    pub area_code: String,
    pub area_name: String,
}

#[derive(Serialize)]
struct AttEmployee {
    id: i64,
    enable_attendance: bool,
    enable_overtime: bool,
    enable_holiday: bool,
    enable_schedule: bool,
}

#[derive(Serialize)]
pub struct EmployeeRead {
    id: i64,
    emp_code: String,
    first_name: Option<String>,
    last_name: Option<String>,
    nickname: Option<String>,
    format_name: String,
    photo: String,
    full_name: String,
    device_password: Option<String>,
    card_no: Option<String>,
    department: Option<DeptRef>,
    position: Option<PositionRef>,
    hire_date: Option<String>,
    gender: Option<String>,
    birthday: Option<String>,
    verify_mode: Option<i64>,
    emp_type: Option<i64>,
    contact_tel: Option<String>,
    office_tel: Option<String>,
    mobile: Option<String>,
    national: Option<String>,
    city: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    email: Option<String>,
    enroll_sn: Option<String>,
    ssn: Option<String>,
    religion: Option<String>,
    attemployee: AttEmployee,
    dev_privilege: Option<i64>,
    area: Vec<AreaRef>,
    app_status: Option<i64>,
    app_role: Option<i64>,
    update_time: Option<String>,
    fingerprint: Option<String>,
    face: Option<String>,
    palm: Option<String>,
    vl_face: Option<String>,
    vl_palm: Option<String>,
    vl_face_photo: Option<String>,
    #[serde(flatten)]
    custom: Attrs,
}

#[derive(Serialize)]
pub struct EmployeeWritten {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    emp_code: String,
    first_name: Option<String>,
    last_name: Option<String>,
    nickname: Option<String>,
    device_password: Option<String>,
    card_no: Option<String>,
    department: i64,
    position: Option<i64>,
    hire_date: Option<String>,
    gender: Option<String>,
    birthday: Option<String>,
    verify_mode: Option<i64>,
    emp_type: Option<i64>,
    contact_tel: Option<String>,
    office_tel: Option<String>,
    mobile: Option<String>,
    national: Option<String>,
    city: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    email: Option<String>,
    enroll_sn: Option<String>,
    ssn: Option<String>,
    religion: Option<String>,
    dev_privilege: Option<i64>,
    self_password: Option<String>,
    flow_role: Vec<i64>,
    area: Vec<i64>,
    app_status: Option<i64>,
    app_role: Option<i64>,
    #[serde(flatten)]
    custom: Attrs,
}

fn load(store: &Store, id: i64) -> rusqlite::Result<Option<EmpRow>> {
    let mut stmt =
        store.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM employee WHERE id = ?"))?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?.map(EmpRow::from_row).transpose()
}

fn dept_ref(store: &Store, id: i64) -> rusqlite::Result<Option<DeptRef>> {
    let mut stmt = store
        .conn
        .prepare_cached("SELECT id, dept_code, dept_name FROM department WHERE id = ?")?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?
        .map(|r| Ok(DeptRef { id: r.get(0)?, dept_code: r.get(1)?, dept_name: r.get(2)? }))
        .transpose()
}

fn position_ref(store: &Store, id: i64) -> rusqlite::Result<Option<PositionRef>> {
    let mut stmt = store
        .conn
        .prepare_cached("SELECT id, position_code, position_name FROM position WHERE id = ?")?;
    let mut rows = stmt.query(params![id])?;
    rows.next()?
        .map(|r| {
            Ok(PositionRef { id: r.get(0)?, position_code: r.get(1)?, position_name: r.get(2)? })
        })
        .transpose()
}

fn area_refs(store: &Store, emp: i64) -> rusqlite::Result<Vec<AreaRef>> {
    let mut stmt = store.conn.prepare_cached(
        "SELECT a.id, a.area_code, a.area_name FROM employee_area ea
         JOIN area a ON a.id = ea.area_id WHERE ea.employee_id = ? ORDER BY a.id",
    )?;
    let rows = stmt.query_map(params![emp], |r| {
        Ok(AreaRef { id: r.get(0)?, area_code: r.get(1)?, area_name: r.get(2)? })
    })?;
    rows.collect()
}

fn area_ids(store: &Store, emp: i64) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = store.conn.prepare_cached(
        "SELECT area_id FROM employee_area WHERE employee_id = ? ORDER BY area_id",
    )?;
    let rows = stmt.query_map(params![emp], |r| r.get(0))?;
    rows.collect()
}

fn read(store: &Store, e: EmpRow, attrs: &[String]) -> rusqlite::Result<EmployeeRead> {
    let custom = e.attrs(attrs);
    let first = e.first_name.clone().unwrap_or_default();
    let last = e.last_name.clone().unwrap_or_default();
    Ok(EmployeeRead {
        id: e.id,
        format_name: format!("{} {}", e.emp_code, first),
        full_name: format!("{first} {last}"),
        department: dept_ref(store, e.department)?,
        position: e.position.map(|p| position_ref(store, p)).transpose()?.flatten(),
        area: area_refs(store, e.id)?,
        attemployee: AttEmployee {
            id: e.id,
            enable_attendance: e.enable_attendance,
            enable_overtime: e.enable_overtime,
            enable_holiday: e.enable_holiday,
            enable_schedule: e.enable_schedule,
        },
        emp_code: e.emp_code,
        first_name: e.first_name,
        last_name: e.last_name,
        nickname: e.nickname,
        photo: e.photo,
        device_password: e.device_password,
        card_no: e.card_no,
        hire_date: e.hire_date,
        gender: e.gender,
        birthday: e.birthday,
        verify_mode: e.verify_mode,
        emp_type: e.emp_type,
        contact_tel: e.contact_tel,
        office_tel: e.office_tel,
        mobile: e.mobile,
        national: e.national,
        city: e.city,
        address: e.address,
        postcode: e.postcode,
        email: e.email,
        enroll_sn: e.enroll_sn,
        ssn: e.ssn,
        religion: e.religion,
        dev_privilege: e.dev_privilege,
        app_status: e.app_status,
        app_role: e.app_role,
        update_time: e.update_time,
        fingerprint: e.fingerprint,
        face: e.face,
        palm: e.palm,
        vl_face: e.vl_face,
        vl_palm: e.vl_palm,
        vl_face_photo: e.vl_face_photo,
        custom,
    })
}

fn written(
    store: &Store,
    e: EmpRow,
    attrs: &[String],
    with_id: bool,
) -> rusqlite::Result<EmployeeWritten> {
    let custom = e.attrs(attrs);
    Ok(EmployeeWritten {
        id: with_id.then_some(e.id),
        area: area_ids(store, e.id)?,
        flow_role: Vec::new(),
        emp_code: e.emp_code,
        first_name: e.first_name,
        last_name: e.last_name,
        nickname: e.nickname,
        device_password: e.device_password,
        card_no: e.card_no,
        department: e.department,
        position: e.position,
        hire_date: e.hire_date,
        gender: e.gender,
        birthday: e.birthday,
        verify_mode: e.verify_mode,
        emp_type: e.emp_type,
        contact_tel: e.contact_tel,
        office_tel: e.office_tel,
        mobile: e.mobile,
        national: e.national,
        city: e.city,
        address: e.address,
        postcode: e.postcode,
        email: e.email,
        enroll_sn: e.enroll_sn,
        ssn: e.ssn,
        religion: e.religion,
        dev_privilege: e.dev_privilege,
        self_password: e.self_password,
        app_status: e.app_status,
        app_role: e.app_role,
        custom,
    })
}

/// A 9.0 read reshaped for another version.
fn reshape(version: ServerVersion, e: &EmployeeRead, attrs: &[String]) -> ApiResult<Obj> {
    let json = serde_json::to_value(e).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(version.employee(json, attrs))
}

pub async fn list(state: &Arc<AppState>, url: RequestUrl) -> ApiResult<Response> {
    let attrs = state.config.custom_attributes.clone();
    let version = state.config.server_version;
    list_page(
        state,
        url,
        |store, q| {
            let mut f = Filters::new(q);
            f.exact("emp_code", "emp_code = ?");
            f.exact("first_name", "first_name = ?");
            f.exact("last_name", "last_name = ?");
            f.foreign(store, "department", "department = ?", Table::Department);
            f.number("app_status", "app_status = ?");
            f.icontains("emp_code_icontains", "emp_code LIKE ? ESCAPE '\\'");
            f.icontains("first_name_icontains", "first_name LIKE ? ESCAPE '\\'");
            f.icontains("last_name_icontains", "last_name LIKE ? ESCAPE '\\'");
            f.foreign(
                store,
                "areas",
                "id IN (SELECT employee_id FROM employee_area WHERE area_id = ?)",
                Table::Area,
            );
            let mut lq = ListQuery::new(Table::Employee);
            lq.filters = f.finish()?;
            Ok(lq)
        },
        move |store, ids| {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                if let Some(e) = load(store, id)? {
                    out.push(read(store, e, &attrs)?);
                }
            }
            if !version.reshapes() {
                return Ok(Versioned::Typed(out));
            }
            let shaped: Vec<Obj> =
                out.iter().map(|e| reshape(version, e, &attrs)).collect::<ApiResult<_>>()?;
            Ok(Versioned::Reshaped(shaped))
        },
    )
    .await
}

pub async fn get(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let attrs = state.config.custom_attributes.clone();
    let version = state.config.server_version;
    let e = state
        .db
        .run(move |store| {
            let e = read(store, load(store, id)?.ok_or(ApiError::NotFound)?, &attrs)?;
            if !version.reshapes() {
                return Ok(Versioned::Typed(e));
            }
            Ok(Versioned::Reshaped(reshape(version, &e, &attrs)?))
        })
        .await?;
    object(StatusCode::OK, &e)
}

/// Validated column values of a create or update.
struct Changes {
    set: Vec<(String, SqlValue)>,
    areas: Option<Vec<i64>>,
    custom: Vec<(String, Option<String>)>,
}

fn validate(
    store: &Store,
    body: &Map<String, Value>,
    partial: bool,
    this: Option<i64>,
    attrs: &[String],
) -> ApiResult<Changes> {
    let mut form = Form::new(body, partial);
    let mut set: Vec<(String, SqlValue)> = Vec::new();
    let text = |v: Option<String>| v.map_or(SqlValue::Null, SqlValue::Text);
    let int = |v: Option<i64>| v.map_or(SqlValue::Null, SqlValue::Integer);

    if let Some(Some(code)) = form.char("emp_code", true, false, false) {
        let taken: bool = store
            .conn
            .prepare_cached("SELECT 1 FROM employee WHERE emp_code = ? AND id IS NOT ?")?
            .exists(params![code, this])?;
        if taken {
            form.error("emp_code", "employee with this emp code already exists.");
        } else {
            set.push(("emp_code".into(), SqlValue::Text(code)));
        }
    }
    for name in TEXT_FIELDS_A {
        if let Some(v) = form.char(name, false, true, true) {
            set.push((name.into(), text(v)));
        }
    }
    let exists = |t: Table| move |id: i64| store.exists(t, id);
    if let Some(Some(d)) = form.pk("department", true, false, &mut exists(Table::Department)) {
        set.push(("department".into(), SqlValue::Integer(d)));
    }
    if let Some(p) = form.pk("position", false, true, &mut exists(Table::Position)) {
        set.push(("position".into(), int(p)));
    }
    if let Some(v) = form.date("hire_date", false, true) {
        set.push(("hire_date".into(), text(v)));
    }
    if let Some(v) = form.choice("gender", &["M", "F"], true, true) {
        set.push(("gender".into(), text(v)));
    }
    if let Some(v) = form.date("birthday", false, true) {
        set.push(("birthday".into(), text(v)));
    }
    for name in ["verify_mode", "emp_type"] {
        if let Some(v) = form.int(name, false, true) {
            set.push((name.into(), int(v)));
        }
    }
    for name in TEXT_FIELDS_B {
        if let Some(v) = form.char(name, false, true, true) {
            set.push((name.into(), text(v)));
        }
    }
    if let Some(v) = form.int("dev_privilege", false, true) {
        set.push(("dev_privilege".into(), int(v)));
    }
    if let Some(v) = form.char("self_password", false, true, true) {
        let hashed = v.map(|p| make_password(&p, &format!("{this:?}")));
        set.push(("self_password".into(), text(hashed)));
    }
    let areas = form.pk_list("area", true, false, &mut exists(Table::Area));
    for name in ["app_status", "app_role"] {
        if let Some(v) = form.int(name, false, true) {
            set.push((name.into(), int(v)));
        }
    }
    for name in ["enable_attendance", "enable_overtime", "enable_holiday", "enable_schedule"] {
        if let Some(b) = form.boolean(name) {
            set.push((name.into(), SqlValue::Integer(i64::from(b))));
        }
    }
    let mut custom = Vec::new();
    for name in attrs {
        if let Some(v) = form.char(name, false, true, true) {
            custom.push((name.clone(), v));
        }
    }
    form.finish()?;
    Ok(Changes { set, areas, custom })
}

fn apply_custom(old: &str, custom: &[(String, Option<String>)]) -> String {
    let mut map: Map<String, Value> = serde_json::from_str(old).unwrap_or_default();
    for (k, v) in custom {
        map.insert(k.clone(), v.clone().map_or(Value::Null, Value::String));
    }
    Value::Object(map).to_string()
}

pub(crate) fn set_areas(store: &Store, emp: i64, areas: &[i64]) -> rusqlite::Result<()> {
    store.conn.execute("DELETE FROM employee_area WHERE employee_id = ?", [emp])?;
    let mut stmt = store
        .conn
        .prepare_cached("INSERT INTO employee_area(employee_id, area_id) VALUES (?, ?)")?;
    for a in areas {
        stmt.execute(params![emp, a])?;
    }
    Ok(())
}

pub async fn create(state: &Arc<AppState>, body: Map<String, Value>) -> ApiResult<Response> {
    let attrs = state.config.custom_attributes.clone();
    let e = state
        .db
        .run(move |store| {
            let ch = validate(store, &body, false, None, &attrs)?;
            let mut cols: Vec<String> = Vec::new();
            let mut vals: Vec<SqlValue> = Vec::new();
            for (c, v) in ch.set {
                cols.push(c);
                vals.push(v);
            }
            let defaults: [(&str, SqlValue); 3] = [
                ("hire_date", SqlValue::Text(today_text())),
                ("update_time", SqlValue::Text(now_text())),
                ("custom", SqlValue::Text(apply_custom("{}", &ch.custom))),
            ];
            for (c, v) in defaults {
                if !cols.iter().any(|x| x == c) {
                    cols.push(c.into());
                    vals.push(v);
                }
            }
            if !cols.iter().any(|x| x == "self_password") {
                let code = match cols.iter().position(|c| c == "emp_code").map(|i| &vals[i]) {
                    Some(SqlValue::Text(s)) => s.clone(),
                    _ => String::new(),
                };
                cols.push("self_password".into());
                vals.push(SqlValue::Text(make_password("123456", &code)));
            }
            let tx = store.conn.unchecked_transaction()?;
            let marks = vec!["?"; cols.len()].join(", ");
            store.conn.execute(
                &format!("INSERT INTO employee ({}) VALUES ({marks})", cols.join(", ")),
                params_from_iter(vals),
            )?;
            let id = store.conn.last_insert_rowid();
            set_areas(store, id, ch.areas.as_deref().unwrap_or(&[]))?;
            tx.commit()?;
            let e = load(store, id)?.ok_or(ApiError::NotFound)?;
            Ok(written(store, e, &attrs, true)?)
        })
        .await?;
    object(StatusCode::CREATED, &e)
}

pub async fn update(
    state: &Arc<AppState>,
    id: i64,
    body: Map<String, Value>,
    partial: bool,
) -> ApiResult<Response> {
    let attrs = state.config.custom_attributes.clone();
    let version = state.config.server_version;
    let mut body = body;
    let e = state
        .db
        .run(move |store| {
            let old = load(store, id)?.ok_or(ApiError::NotFound)?;
            version.keep_code(&mut body, "emp_code", &old.emp_code);
            let ch = validate(store, &body, partial, Some(id), &attrs)?;
            let mut set = ch.set;
            set.push(("update_time".into(), SqlValue::Text(now_text())));
            set.push(("custom".into(), SqlValue::Text(apply_custom(&old.custom, &ch.custom))));
            let assignments: Vec<String> = set.iter().map(|(c, _)| format!("{c} = ?")).collect();
            let mut vals: Vec<SqlValue> = set.into_iter().map(|(_, v)| v).collect();
            vals.push(SqlValue::Integer(id));
            let tx = store.conn.unchecked_transaction()?;
            store.conn.execute(
                &format!("UPDATE employee SET {} WHERE id = ?", assignments.join(", ")),
                params_from_iter(vals),
            )?;
            if let Some(areas) = &ch.areas {
                set_areas(store, id, areas)?;
            }
            tx.commit()?;
            store.touch(Table::Employee);
            let e = load(store, id)?.ok_or(ApiError::NotFound)?;
            Ok(written(store, e, &attrs, false)?)
        })
        .await?;
    object(StatusCode::OK, &e)
}

pub async fn delete(state: &Arc<AppState>, id: i64) -> ApiResult<Response> {
    let version = state.config.server_version;
    state
        .db
        .run(move |store| {
            let tx = store.conn.unchecked_transaction()?;
            let n = store.conn.execute("DELETE FROM employee WHERE id = ?", [id])?;
            if n == 0 {
                return Err(ApiError::NotFound);
            }
            store.conn.execute("DELETE FROM employee_area WHERE employee_id = ?", [id])?;
            // Django's cascade: the employee's resigns go with them.
            store.conn.execute("DELETE FROM resign WHERE employee = ?", [id])?;
            tx.commit()?;
            store.touch(Table::Employee);
            store.touch(Table::Resign);
            Ok(())
        })
        .await?;
    deleted(version)
}
