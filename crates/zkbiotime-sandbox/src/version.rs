//! The server versions the sandbox can play (8.0, 8.5, 9.0, 9.5) and how each one's
//! answers differ from the 9.0 manual's. Facts come from `shared/notes/server-versions.md`
//! (cited as PBF, D80, M85, GO, as there).
//!
//! 9.0, the default, is served straight from the typed records (no `serde_json::Value` on
//! the way: benchmarks pull 200,000 punches from it). Every other version takes a record's
//! 9.0 JSON and reshapes it with the functions below, then lists its keys in the version's
//! order (`ordered`). Loose types that real pages mix ("0" and 0 in one page) are picked
//! from the record id, so answers are deterministic.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::json::Obj;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServerVersion {
    V8_0,
    V8_5,
    #[default]
    V9_0,
    V9_5,
}

impl ServerVersion {
    pub const ALL: [ServerVersion; 4] =
        [ServerVersion::V8_0, ServerVersion::V8_5, ServerVersion::V9_0, ServerVersion::V9_5];

    pub fn as_str(self) -> &'static str {
        match self {
            ServerVersion::V8_0 => "8.0",
            ServerVersion::V8_5 => "8.5",
            ServerVersion::V9_0 => "9.0",
            ServerVersion::V9_5 => "9.5",
        }
    }

    pub fn is_8x(self) -> bool {
        matches!(self, ServerVersion::V8_0 | ServerVersion::V8_5)
    }

    /// Whether record answers differ from the 9.0 ones (every version but 9.0).
    pub fn reshapes(self) -> bool {
        self != ServerVersion::V9_0
    }

    /// The list envelope's rows key: M85 shows both `results` and `data`; 8.5 answers
    /// `results` so clients' fallback gets exercised.
    pub fn list_key(self) -> &'static str {
        if self == ServerVersion::V8_5 { "results" } else { "data" }
    }

    /// 9.5 sizes pages with `page_size` only and ignores `limit` (PB `compat.py`).
    pub fn honours_limit(self) -> bool {
        self != ServerVersion::V9_5
    }

    /// `/personnel/api/resigns/` exists on 8.5 and 9.5 only (PB; FB: not on 8.0 or 9.0).
    pub fn has_resign_api(self) -> bool {
        matches!(self, ServerVersion::V8_5 | ServerVersion::V9_5)
    }

    /// The `<title>` of `/api/docs/` (PB `compat.py` tells versions apart by it).
    pub fn docs_title(self) -> &'static str {
        match self {
            ServerVersion::V8_0 | ServerVersion::V8_5 => "BIOTIME API DOCS",
            ServerVersion::V9_0 => "ZKBio Time API DOCS",
            ServerVersion::V9_5 => "BioTime 9.5 API DOCS",
        }
    }

    /// 8.0 answers a delete with 200 `{"code":0,"msg":""}` instead of 204 (D80: "Response:
    /// None" is ambiguous; some 8.x servers send the status envelope).
    pub fn deletes_with_body(self) -> bool {
        self == ServerVersion::V8_0
    }

    /// 9.5 silently keeps the stored `emp_code` / `dept_code` when an update changes it
    /// (notes §2 Writes): the body's code is replaced by the stored one.
    pub fn keep_code(self, body: &mut Map<String, Value>, key: &str, stored: &str) {
        if self == ServerVersion::V9_5 && body.contains_key(key) {
            body.insert(key.to_string(), Value::String(stored.to_string()));
        }
    }

    /// The answer to creating a position. 9.5 echoes the submitted fields only, without
    /// `id`, although the record is stored (PBF 9.5, notes §2 Writes).
    pub fn position_created(self, answer: Obj, submitted: &Map<String, Value>) -> Obj {
        if self != ServerVersion::V9_5 {
            return answer;
        }
        Obj(answer.0.into_iter().filter(|(k, _)| k != "id" && submitted.contains_key(k)).collect())
    }

    /// A transaction read (list or get) from its 9.0 JSON and its employee's names.
    /// 8.0, 8.5, 9.5 (D80, PBF): names, department and position as text, `*_display`
    /// texts, none of 9.0's sync fields; 9.5 keeps longitude/latitude.
    pub fn transaction(self, record: Value, owner: &PunchOwner) -> Obj {
        let mut m = into_map(record);
        let id = record_id(&m);
        for key in NINE_O_ONLY_PUNCH_FIELDS {
            m.remove(key);
        }
        if self.is_8x() {
            m.remove("longitude");
            m.remove("latitude");
        }
        m.insert("first_name".into(), owner.first_name.clone().into());
        m.insert("last_name".into(), owner.last_name.clone().into());
        m.insert("department".into(), owner.department.clone().into());
        m.insert("position".into(), owner.position.clone().into());

        let state = m.get("punch_state").and_then(Value::as_str).map(str::to_string);
        let state_display = state.as_deref().map(|s| choice(PUNCH_STATES, s));
        m.insert("punch_state_display".into(), state_display.into());
        // PBF 9.5: "0" and 1 in one page.
        if self == ServerVersion::V9_5
            && id % 3 == 1
            && let Some(n) = state.as_deref().and_then(|s| s.parse::<i64>().ok())
        {
            m.insert("punch_state".into(), n.into());
        }

        let verify = m.get("verify_type").and_then(Value::as_i64);
        let verify_display = verify.map(|v| choice(VERIFY_TYPES, &v.to_string()));
        m.insert("verify_type_display".into(), verify_display.into());
        // Seen as 1 and "15" (notes, loose types); on 8.5 some rows carry text.
        if self == ServerVersion::V8_5
            && id % 3 == 2
            && let Some(v) = verify
        {
            m.insert("verify_type".into(), v.to_string().into());
        }

        // 255 means "not measured" (notes §4); these versions say it with "-" / 0.0.
        if let Some(mask) = m.get("is_mask").and_then(Value::as_i64) {
            let text = match mask {
                0 => "No",
                1 => "Yes",
                _ => "-",
            };
            m.insert("is_mask".into(), text.into());
        }
        if self == ServerVersion::V9_5
            && let Some(t) = m.get("temperature").and_then(Value::as_f64)
        {
            let v =
                if t == 255.0 || t == 0.0 { Value::from(0.0) } else { format!("{t:.1}").into() };
            m.insert("temperature".into(), v);
        }
        ordered(m, TRANSACTION_KEYS.iter().copied())
    }

    /// An employee read from its 9.0 JSON. 8.x (PBF `8.0/employees.json`): department and
    /// position as bare ids with their names beside, areas as ids with a comma-joined
    /// `area_name`, flat `enable_*` flags instead of `attemployee`, `app_status` sometimes
    /// text. 9.5: 9.0's shape, but an all-digit `card_no` comes as a number.
    pub fn employee(self, record: Value, custom_attributes: &[String]) -> Obj {
        let mut m = into_map(record);
        let id = record_id(&m);
        if self.is_8x() {
            let dept = m.remove("department").unwrap_or(Value::Null);
            m.insert("department".into(), dept["id"].clone());
            m.insert("dept_name".into(), dept["dept_name"].clone());
            let position = m.remove("position").unwrap_or(Value::Null);
            m.insert("position".into(), position["id"].clone());
            m.insert("position_name".into(), position["position_name"].clone());
            let areas = match m.remove("area") {
                Some(Value::Array(list)) => list,
                _ => Vec::new(),
            };
            let names: Vec<&str> = areas.iter().filter_map(|a| a["area_name"].as_str()).collect();
            m.insert("area_name".into(), names.join(",").into());
            m.insert("area".into(), areas.iter().map(|a| a["id"].clone()).collect());
            let att = m.remove("attemployee").unwrap_or(Value::Null);
            m.insert("enable_att".into(), att["enable_attendance"].clone());
            m.insert("enable_overtime".into(), att["enable_overtime"].clone());
            m.insert("enable_holiday".into(), att["enable_holiday"].clone());
            if id % 3 == 0
                && let Some(n) = m.get("app_status").and_then(Value::as_i64)
            {
                m.insert("app_status".into(), n.to_string().into());
            }
        } else if self == ServerVersion::V9_5
            && let Some(n) = m.get("card_no").and_then(Value::as_str).and_then(digits)
        {
            m.insert("card_no".into(), n.into());
        }
        let keys =
            EMPLOYEE_KEYS.iter().copied().chain(custom_attributes.iter().map(String::as_str));
        ordered(m, keys)
    }

    /// A department read from its 9.0 JSON and its parent's (`None` without one).
    /// 8.x: `parent_dept` id plus `parent_dept_name`; 9.5: the parent nested (notes
    /// "Department parent").
    pub fn department(self, record: Value, parent: Option<Value>) -> Obj {
        let mut m = into_map(record);
        if self.is_8x() {
            let name = parent.as_ref().map_or(Value::Null, |p| p["dept_name"].clone());
            m.insert("parent_dept_name".into(), name);
        } else if self == ServerVersion::V9_5 {
            m.insert("parent_dept".into(), parent.unwrap_or(Value::Null));
        }
        ordered(m, DEPARTMENT_KEYS.iter().copied())
    }

    /// A terminal read from its 9.0 JSON: 8.x sends `state` as a number and
    /// `is_attendance` as a boolean (notes, loose types).
    pub fn terminal(self, record: Value) -> Obj {
        let mut m = into_map(record);
        if self.is_8x() {
            if let Some(n) =
                m.get("state").and_then(Value::as_str).and_then(|s| s.parse::<i64>().ok())
            {
                m.insert("state".into(), n.into());
            }
            if let Some(n) = m.get("is_attendance").and_then(Value::as_i64) {
                m.insert("is_attendance".into(), (n != 0).into());
            }
        }
        ordered(m, TERMINAL_KEYS.iter().copied())
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServerVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        ServerVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| format!("unknown server version {s:?} (expected 8.0, 8.5, 9.0 or 9.5)"))
    }
}

/// The punch's employee as 8.x / 9.5 transactions name it (`None` when unknown).
#[derive(Debug, Clone, Default)]
pub struct PunchOwner {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The department's name.
    pub department: Option<String>,
    /// The position's name.
    pub position: Option<String>,
}

/// Fields of the 9.0 manual's transaction that 8.x and 9.5 do not send (D80, PBF).
const NINE_O_ONLY_PUNCH_FIELDS: [&str; 9] = [
    "mobile",
    "source",
    "purpose",
    "crc",
    "is_attendance",
    "reserved",
    "sync_status",
    "sync_time",
    "terminal",
];

const PUNCH_STATES: &[(&str, &str)] = &[
    ("0", "Check In"),
    ("1", "Check Out"),
    ("2", "Break Out"),
    ("3", "Break In"),
    ("4", "Overtime In"),
    ("5", "Overtime Out"),
];

/// PB's names; D80/CS call 0 "Password" (notes §4).
const VERIFY_TYPES: &[(&str, &str)] =
    &[("0", "Any"), ("1", "Fingerprint"), ("4", "Card"), ("15", "Face"), ("25", "Palm")];

/// Django's `get_FOO_display`: the choice's label, or the value itself when unlisted.
fn choice(choices: &[(&str, &str)], value: &str) -> String {
    choices.iter().find(|(v, _)| *v == value).map_or(value, |(_, label)| label).to_string()
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn into_map(record: Value) -> Map<String, Value> {
    match record {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn record_id(m: &Map<String, Value>) -> i64 {
    m.get("id").and_then(Value::as_i64).unwrap_or(0)
}

/// Key order of transaction answers: D80's, with 9.5's longitude / latitude at the end.
const TRANSACTION_KEYS: [&str; 22] = [
    "id",
    "emp",
    "emp_code",
    "first_name",
    "last_name",
    "department",
    "position",
    "punch_time",
    "punch_state",
    "punch_state_display",
    "verify_type",
    "verify_type_display",
    "work_code",
    "gps_location",
    "area_alias",
    "terminal_sn",
    "temperature",
    "is_mask",
    "terminal_alias",
    "upload_time",
    "longitude",
    "latitude",
];

/// Key order of employee answers, 8.x's flat keys next to the 9.x ones they replace.
const EMPLOYEE_KEYS: [&str; 48] = [
    "id",
    "emp_code",
    "first_name",
    "last_name",
    "nickname",
    "format_name",
    "photo",
    "full_name",
    "device_password",
    "card_no",
    "department",
    "dept_name",
    "position",
    "position_name",
    "hire_date",
    "gender",
    "birthday",
    "verify_mode",
    "emp_type",
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
    "attemployee",
    "enable_att",
    "enable_overtime",
    "enable_holiday",
    "dev_privilege",
    "area",
    "area_name",
    "app_status",
    "app_role",
    "update_time",
    "fingerprint",
    "face",
    "palm",
    "vl_face",
    "vl_palm",
    "vl_face_photo",
    "self_password",
    "flow_role",
];

const DEPARTMENT_KEYS: [&str; 5] =
    ["id", "dept_code", "dept_name", "parent_dept", "parent_dept_name"];

/// The 9.0 manual's terminal key order.
const TERMINAL_KEYS: [&str; 21] = [
    "id",
    "sn",
    "ip_address",
    "alias",
    "terminal_name",
    "fw_ver",
    "push_ver",
    "state",
    "terminal_tz",
    "area",
    "last_activity",
    "user_count",
    "fp_count",
    "face_count",
    "palm_count",
    "transaction_count",
    "push_time",
    "transfer_time",
    "transfer_interval",
    "is_attendance",
    "area_name",
];

/// `m` as an ordered object: `order`'s keys first (those present), then the rest.
/// (serde_json's `Map` sorts keys in this build; real servers list them in model order.)
fn ordered<'a>(mut m: Map<String, Value>, order: impl IntoIterator<Item = &'a str>) -> Obj {
    let mut o = Obj::new();
    for key in order {
        if let Some(v) = m.remove(key) {
            o.push(key, v);
        }
    }
    for (k, v) in m {
        o.push(&k, v);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(o: &Obj) -> Value {
        serde_json::to_value(o).unwrap()
    }

    #[test]
    fn parses_and_prints() {
        for v in ServerVersion::ALL {
            assert_eq!(v.to_string().parse::<ServerVersion>(), Ok(v));
        }
        assert!("9".parse::<ServerVersion>().is_err());
        assert_eq!(ServerVersion::default(), ServerVersion::V9_0);
    }

    #[test]
    fn transaction_8x_and_95() {
        let record = json!({"id": 4, "emp": 1, "emp_code": "1", "punch_time": "t",
            "punch_state": "1", "verify_type": 15, "is_mask": 255, "temperature": 36.5,
            "mobile": null, "terminal": 2, "longitude": null, "latitude": null});
        let owner = PunchOwner { department: Some("Ops".into()), ..Default::default() };
        let v = value(&ServerVersion::V9_5.transaction(record.clone(), &owner));
        assert_eq!(v["punch_state"], 1, "id 4 % 3 == 1 sends a number");
        assert_eq!(v["punch_state_display"], "Check Out");
        assert_eq!(v["verify_type_display"], "Face");
        assert_eq!(v["is_mask"], "-");
        assert_eq!(v["temperature"], "36.5");
        assert_eq!(v["department"], "Ops");
        assert!(v.get("terminal").is_none() && v.get("mobile").is_none());
        assert!(v.get("longitude").is_some());
        let v = value(&ServerVersion::V8_0.transaction(record, &owner));
        assert_eq!(v["punch_state"], "1");
        assert_eq!(v["temperature"], 36.5);
        assert!(v.get("longitude").is_none());
    }
}
