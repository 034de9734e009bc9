//! Which way a punch goes, IN or OUT, for attendance imports (payroll and ERP connectors
//! need it; the API does not say it reliably). Three rules, as integrators use them:
//! - [`DirectionRule::State`]: from the punch state code the device recorded (`0` check in,
//!   `1` check out, `2` break out, `3` break in, `4` overtime in, `5` overtime out); other
//!   codes (`255`: the device tracks no state) give no direction.
//! - [`DirectionRule::Terminal`]: from the terminal, for sites with an entry and an exit
//!   device (keyed by serial number or alias).
//! - [`DirectionRule::Alternate`]: per employee per day in time order, IN, OUT, IN, ...
//!   (devices that record no state).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::generated::api::types::Transaction;

/// IN or OUT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    /// `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    /// Reads `in` / `out` (any case; `i` / `o`, `entry` / `exit` too).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "in" | "i" | "entry" => Ok(Direction::In),
            "out" | "o" | "exit" => Ok(Direction::Out),
            other => Err(Error::invalid_argument(format!("direction {other:?} is not in or out"))),
        }
    }
}

/// How [`directions`] decides.
#[derive(Clone, Debug, PartialEq)]
pub enum DirectionRule {
    /// From `punch_state`.
    State,
    /// From the terminal: serial number or alias → direction.
    Terminal(HashMap<String, Direction>),
    /// IN, OUT, IN, ... per employee and day, in punch time order.
    Alternate,
}

impl DirectionRule {
    /// `state`, `terminal` (with the map) or `alternate`, as the bindings and the CLI name them.
    pub fn from_name(name: &str, terminals: HashMap<String, Direction>) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "state" => Ok(DirectionRule::State),
            "terminal" if terminals.is_empty() => Err(Error::invalid_argument(
                "direction by terminal needs a map of terminals (serial number or alias → in/out)",
            )),
            "terminal" => Ok(DirectionRule::Terminal(terminals)),
            "alternate" => Ok(DirectionRule::Alternate),
            other => Err(Error::invalid_argument(format!(
                "direction rule {other:?} is not state, terminal or alternate"
            ))),
        }
    }
}

/// The direction of each punch, in the order given (`None`: the rule cannot tell).
///
/// `Alternate` looks at all the punches given: pass whole days (a sync batch or an export
/// of full days), or an employee's first punch of a cut day counts as IN.
pub fn directions(punches: &[Transaction], rule: &DirectionRule) -> Vec<Option<Direction>> {
    match rule {
        DirectionRule::State => {
            punches.iter().map(|p| by_state(p.punch_state.as_deref())).collect()
        }
        DirectionRule::Terminal(map) => punches
            .iter()
            .map(|p| {
                let keys = [p.terminal_sn.as_deref(), p.terminal_alias.as_deref()];
                keys.into_iter().flatten().find_map(|k| map.get(k.trim()).copied())
            })
            .collect(),
        DirectionRule::Alternate => alternate(punches),
    }
}

fn by_state(code: Option<&str>) -> Option<Direction> {
    match code?.trim() {
        "0" | "3" | "4" => Some(Direction::In),
        "1" | "2" | "5" => Some(Direction::Out),
        _ => None,
    }
}

fn alternate(punches: &[Transaction]) -> Vec<Option<Direction>> {
    // (employee, day) → the punches' indexes in time order.
    let mut days: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in punches.iter().enumerate() {
        let day = p.punch_time.get(..10).unwrap_or(&p.punch_time);
        days.entry((p.emp_code.as_str(), day)).or_default().push(i);
    }
    let mut out = vec![None; punches.len()];
    for indexes in days.values_mut() {
        // Server text `YYYY-MM-DD HH:MM:SS` sorts as time; ties keep the id order.
        indexes.sort_by(|&a, &b| {
            (punches[a].punch_time.as_str(), punches[a].id)
                .cmp(&(punches[b].punch_time.as_str(), punches[b].id))
        });
        for (n, &i) in indexes.iter().enumerate() {
            out[i] = Some(if n % 2 == 0 { Direction::In } else { Direction::Out });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn punch(id: i64, emp: &str, time: &str, state: &str, sn: &str) -> Transaction {
        serde_json::from_value(serde_json::json!({
            "id": id, "emp_code": emp, "punch_time": time, "punch_state": state, "terminal_sn": sn,
        }))
        .unwrap()
    }

    #[test]
    fn by_state_terminal_and_alternation() {
        let punches = vec![
            punch(1, "7", "2024-06-01 17:00:00", "1", "EXIT1"),
            punch(2, "7", "2024-06-01 08:00:00", "0", "ENTRY1"),
            punch(3, "8", "2024-06-01 09:00:00", "255", "ENTRY1"),
            punch(4, "7", "2024-06-02 08:30:00", "3", "OTHER"),
        ];
        let s = directions(&punches, &DirectionRule::State);
        assert_eq!(s, vec![Some(Direction::Out), Some(Direction::In), None, Some(Direction::In)]);
        let map = HashMap::from([
            ("ENTRY1".to_string(), Direction::In),
            ("EXIT1".to_string(), Direction::Out),
        ]);
        let t = directions(&punches, &DirectionRule::Terminal(map));
        assert_eq!(t, vec![Some(Direction::Out), Some(Direction::In), Some(Direction::In), None]);
        let a = directions(&punches, &DirectionRule::Alternate);
        // Employee 7 on June 1st: 08:00 IN (id 2), 17:00 OUT (id 1); new day starts IN.
        assert_eq!(
            a,
            vec![
                Some(Direction::Out),
                Some(Direction::In),
                Some(Direction::In),
                Some(Direction::In)
            ]
        );
    }

    #[test]
    fn rules_and_directions_read_from_names() {
        assert_eq!(Direction::parse(" OUT ").unwrap(), Direction::Out);
        assert!(Direction::parse("sideways").is_err());
        assert_eq!(
            DirectionRule::from_name("State", HashMap::new()).unwrap(),
            DirectionRule::State
        );
        assert!(DirectionRule::from_name("terminal", HashMap::new()).is_err());
        assert!(DirectionRule::from_name("random", HashMap::new()).is_err());
    }
}
