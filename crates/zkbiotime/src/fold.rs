//! Older servers' shapes folded into the spec's (9.x) shape after a record is read, so a
//! record looks the same whatever the server's version (ADR 0003). The generated
//! readers call [`Fold::fold`] for the schemas marked `x-fold: true` in the spec.

use serde_json::{Map, Value};

use crate::generated::api::types::{AttEmployee, Employee};

/// Completes a record read from the wire.
pub(crate) trait Fold {
    fn fold(&mut self);
}

impl Fold for Employee {
    /// 8.x: `"department": 3, "dept_name": "Operations"`, `"position": 4,
    /// "position_name": …`, `"area": [1, 2], "area_name": "Head office,Warehouse"` and flat
    /// `enable_att` / `enable_overtime` / `enable_holiday`.
    fn fold(&mut self) {
        let extra = &mut self.extra;
        if let Some(dept) = self.department.as_mut()
            && dept.dept_name.is_none()
        {
            dept.dept_name = take_text(extra, "dept_name");
        }
        if let Some(position) = self.position.as_mut()
            && position.position_name.is_none()
        {
            position.position_name = take_text(extra, "position_name");
        }
        if !self.area.is_empty() && self.area.iter().all(|a| a.area_name.is_none()) {
            let names = extra.get("area_name").and_then(Value::as_str).map(|joined| {
                joined.split(',').map(|n| crate::Text::from(n.trim())).collect::<Vec<_>>()
            });
            if let Some(names) = names.filter(|n| n.len() == self.area.len()) {
                for (area, name) in self.area.iter_mut().zip(names) {
                    area.area_name = Some(name);
                }
                extra.remove("area_name");
            }
        }
        if self.attemployee.is_none() {
            let flag = |extra: &mut Map<String, Value>, key: &str| {
                let value = extra.get(key).and_then(flag_of);
                if value.is_some() {
                    extra.remove(key);
                }
                value
            };
            let enable_attendance = flag(extra, "enable_att");
            let enable_overtime = flag(extra, "enable_overtime");
            let enable_holiday = flag(extra, "enable_holiday");
            if enable_attendance.is_some() || enable_overtime.is_some() || enable_holiday.is_some()
            {
                self.attemployee = Some(AttEmployee {
                    id: None,
                    enable_attendance,
                    enable_overtime,
                    enable_holiday,
                    enable_schedule: None,
                    extra: Map::new(),
                });
            }
        }
    }
}

/// A text value beside a relation, moved out of `extra`.
fn take_text(extra: &mut Map<String, Value>, key: &str) -> Option<crate::Text> {
    match extra.get(key) {
        Some(Value::String(_)) => match extra.remove(key) {
            Some(Value::String(s)) => Some(s.into()),
            _ => None,
        },
        _ => None,
    }
}

/// `true` / `false`, `1` / `0`, or their text.
fn flag_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim() {
            "1" | "true" | "True" => Some(true),
            "0" | "false" | "False" => Some(false),
            _ => None,
        },
        _ => None,
    }
}
