//! `directions(punches, by, terminals)`: IN or OUT for each punch, decided by the core
//! (`zkbiotime::directions`). The Kotlin/Swift punches are converted records, so each goes
//! back to the core's `Transaction` through JSON (the server's own shape) once per call.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use zkbiotime::{Direction, DirectionRule};

use crate::error::{ZkbioError, guard_sync};
use crate::records::Transaction;

/// `"in"`, `"out"` or `null` (the rule cannot tell) for each punch, in order. `by`: `state`
/// (the punch state code: 0, 3, 4 in; 1, 2, 5 out), `terminal` (with `terminals`: serial
/// number or alias → `in` / `out`) or `alternate` (IN, OUT, ... per employee and day within
/// the punches given: pass whole days).
#[uniffi::export(default(terminals = None))]
pub fn directions(
    punches: Vec<Transaction>,
    by: String,
    terminals: Option<HashMap<String, String>>,
) -> Result<Vec<Option<String>>, ZkbioError> {
    guard_sync(|| {
        let mut map = HashMap::new();
        for (key, value) in terminals.unwrap_or_default() {
            map.insert(key, Direction::parse(&value)?);
        }
        let rule = DirectionRule::from_name(&by, map)?;
        let records = punches.iter().map(to_core).collect::<Result<Vec<_>, _>>()?;
        let found = zkbiotime::directions(&records, &rule);
        Ok(found.into_iter().map(|d| d.map(|d| d.as_str().to_string())).collect())
    })
}

/// A converted punch → the core's record, through the JSON the server would send.
fn to_core(p: &Transaction) -> Result<zkbiotime::types::Transaction, ZkbioError> {
    let mut record = Map::new();
    for (name, text) in &p.extra {
        // `extra` holds JSON text; text that is not JSON is kept as a string.
        let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
        record.insert(name.clone(), value);
    }
    let fields = json!({
        "id": p.id,
        "emp_code": p.emp_code,
        "punch_time": p.punch_time,
        "punch_state": p.punch_state,
        "verify_type": p.verify_type,
        "work_code": p.work_code,
        "terminal_sn": p.terminal_sn,
        "terminal_alias": p.terminal_alias,
        "area_alias": p.area_alias,
        "longitude": p.longitude,
        "latitude": p.latitude,
        "gps_location": p.gps_location,
        "mobile": p.mobile,
        "source": p.source,
        "purpose": p.purpose,
        "crc": p.crc,
        "is_attendance": p.is_attendance,
        "reserved": p.reserved,
        "upload_time": p.upload_time,
        "sync_status": p.sync_status,
        "sync_time": p.sync_time,
        "is_mask": p.is_mask,
        "temperature": p.temperature,
        "emp": p.emp,
        "terminal": p.terminal,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "department": p.department,
        "position": p.position,
        "punch_state_display": p.punch_state_display,
        "verify_type_display": p.verify_type_display,
    });
    if let Value::Object(fields) = fields {
        record.extend(fields);
    }
    serde_json::from_value(Value::Object(record)).map_err(|e| {
        ZkbioError::invalid_argument(format!("punch {}: not a Transaction: {e}", p.id))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn punch(id: i64, emp: &str, time: &str, state: &str, sn: &str) -> Transaction {
        let core: zkbiotime::types::Transaction = serde_json::from_value(json!({
            "id": id, "emp_code": emp, "punch_time": time, "punch_state": state,
            "terminal_sn": sn, "Note": "x",
        }))
        .unwrap();
        core.into()
    }

    #[test]
    fn punches_cross_back_and_rules_come_from_the_core() {
        let p = punch(1, "7", "2024-06-01 08:00:00", "0", "ENTRY1");
        let core = to_core(&p).unwrap();
        assert_eq!(Transaction::from(core), p, "a punch survives the round trip");
        let ps = vec![p, punch(2, "7", "2024-06-01 17:00:00", "1", "EXIT1")];
        let got = directions(ps.clone(), "state".into(), None).unwrap();
        assert_eq!(got, vec![Some("in".to_string()), Some("out".to_string())]);
        let map = HashMap::from([("EXIT1".to_string(), "in".to_string())]);
        let got = directions(ps.clone(), "terminal".into(), Some(map)).unwrap();
        assert_eq!(got, vec![None, Some("in".to_string())]);
        assert_eq!(
            directions(ps.clone(), "terminal".into(), None).unwrap_err().kind(),
            "invalid_argument"
        );
        assert!(directions(ps, "moon".into(), None).is_err());
    }
}
