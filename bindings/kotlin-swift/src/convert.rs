//! Helpers the generated `records.rs` calls: dates, custom attributes and the hand-over of
//! request bodies and filters to the core's types.

use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ZkbioError;

/// A record the caller builds (request body, filter), turned into the core's type. Fails
/// with `InvalidArgument` on text that is not what it should be (a date, JSON).
pub trait IntoCore {
    type Core;
    fn into_core(self) -> Result<Self::Core, ZkbioError>;
}

impl<T: IntoCore> IntoCore for Option<T> {
    type Core = Option<T::Core>;
    fn into_core(self) -> Result<Self::Core, ZkbioError> {
        self.map(IntoCore::into_core).transpose()
    }
}

pub fn date_out(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `at` names the field for the error (`EmployeeCreate.hire_date`).
pub fn date_in(at: &str, text: &str) -> Result<chrono::NaiveDate, ZkbioError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ZkbioError::invalid_argument(format!("{at}: {text:?} is not a date (YYYY-MM-DD)"))
    })
}

/// Custom attributes → name to JSON text. JSON keeps what a plain string map would lose:
/// whether the server sent `42`, `"42"` or `null`.
pub fn extra_out(extra: serde_json::Map<String, serde_json::Value>) -> HashMap<String, String> {
    extra.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

pub fn extra_in(
    model: &str,
    extra: HashMap<String, String>,
) -> Result<serde_json::Map<String, serde_json::Value>, ZkbioError> {
    extra
        .into_iter()
        .map(|(name, text)| match serde_json::from_str(&text) {
            Ok(value) => Ok((name, value)),
            Err(_) => Err(ZkbioError::invalid_argument(format!(
                "{model}.extra[{name:?}]: {text:?} is not JSON text (a string needs quotes: \
                 \"\\\"Welder\\\"\")"
            ))),
        })
        .collect()
}

/// Small, cold values (filters) go to the core as JSON: the core's types reject names they
/// do not know, so a binding that drifted from the core fails loudly, not silently.
pub fn via_json<T: Serialize, C: DeserializeOwned>(name: &str, value: &T) -> Result<C, ZkbioError> {
    let json = serde_json::to_value(value)
        .map_err(|e| ZkbioError::invalid_argument(format!("{name}: {e}")))?;
    serde_json::from_value(json).map_err(|e| ZkbioError::invalid_argument(format!("{name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Employee, EmployeeCreate, EmployeeFilter, TransactionFilter};
    use crate::records::{EmployeeWritten, TransactionOrdering};

    #[test]
    fn dates_and_custom_attributes_round_trip() {
        let d = date_in("X.d", "2018-06-26").unwrap();
        assert_eq!(date_out(d), "2018-06-26");
        let err = date_in("X.d", "26/06/2018").unwrap_err();
        assert_eq!(err.kind(), "invalid_argument");
        assert!(err.to_string().contains("X.d"), "{err}");

        let json = serde_json::json!({"Primary Job": "Welder", "Level": 3, "Note": null});
        let serde_json::Value::Object(map) = json else { unreachable!() };
        let text = extra_out(map.clone());
        assert_eq!(text["Primary Job"], "\"Welder\"");
        assert_eq!(text["Level"], "3");
        assert_eq!(text["Note"], "null");
        assert_eq!(extra_in("X", text).unwrap(), map);
        let bad = HashMap::from([("Primary Job".to_string(), "Welder".to_string())]);
        assert!(extra_in("X", bad).unwrap_err().to_string().contains("Primary Job"));
    }

    #[test]
    fn records_convert_field_by_field_and_hide_secrets() {
        let core: zkbiotime::types::Employee = serde_json::from_value(serde_json::json!({
            "id": 1, "emp_code": "1", "first_name": "Harry", "hire_date": "2018-06-26",
            "department": {"id": 1, "dept_name": "Department"},
            "area": [{"id": 2, "area_name": "ZKTeco"}], "Primary Job": "Welder"
        }))
        .unwrap();
        let e = Employee::from(core);
        assert_eq!(e.hire_date.as_deref(), Some("2018-06-26"));
        assert_eq!(e.department.unwrap().dept_name.as_deref(), Some("Department"));
        assert_eq!(e.area[0].id, 2);
        assert_eq!(e.extra["Primary Job"], "\"Welder\"");

        let written: zkbiotime::types::EmployeeWritten = serde_json::from_value(
            serde_json::json!({"emp_code": "9", "self_password": "pbkdf2_sha256$x"}),
        )
        .unwrap();
        let w = EmployeeWritten::from(written);
        assert_eq!(w.self_password.as_ref().unwrap().expose(), "pbkdf2_sha256$x");
        assert!(!format!("{w:?}").contains("pbkdf2"));

        let body = EmployeeCreate {
            emp_code: "9".into(),
            department: 1,
            area: vec![1],
            hire_date: Some("2024-01-02".into()),
            extra: HashMap::from([("Primary Job".into(), "\"Welder\"".into())]),
            ..blank_create()
        };
        let core = body.into_core().unwrap();
        assert_eq!(core.hire_date.unwrap().to_string(), "2024-01-02");
        assert_eq!(core.extra["Primary Job"], serde_json::json!("Welder"));
    }

    fn blank_create() -> EmployeeCreate {
        EmployeeCreate {
            emp_code: String::new(),
            first_name: None,
            last_name: None,
            nickname: None,
            department: 0,
            area: Vec::new(),
            position: None,
            card_no: None,
            device_password: None,
            hire_date: None,
            gender: None,
            birthday: None,
            verify_mode: None,
            emp_type: None,
            contact_tel: None,
            office_tel: None,
            mobile: None,
            national: None,
            city: None,
            address: None,
            postcode: None,
            email: None,
            ssn: None,
            religion: None,
            dev_privilege: None,
            app_status: None,
            app_role: None,
            extra: HashMap::new(),
        }
    }

    #[test]
    fn filters_reach_the_core_by_name() {
        let f = EmployeeFilter { department: Some(1), app_status: Some(0), ..Default::default() }
            .into_core()
            .unwrap();
        assert_eq!(f.department, Some(1));
        assert_eq!(f.app_status, Some(0));
        let t = TransactionFilter {
            ordering: Some(TransactionOrdering::PunchTimeDesc),
            ..Default::default()
        }
        .into_core()
        .unwrap();
        assert_eq!(t.ordering.unwrap().to_string(), "-punch_time");
        // Out of the core's range (i32): refused, not truncated.
        let big = EmployeeFilter { app_status: Some(1 << 40), ..Default::default() };
        assert_eq!(big.into_core().unwrap_err().kind(), "invalid_argument");
    }
}
