//! The filters integrators use beyond the 9.0 manual (D80 docs): `*_icontains` on the
//! organisation lists, employees and terminals, `areas` on employees, `state` on terminals,
//! `terminal_alias` on punches. Each is checked against the unfiltered list.

use crate::common;

use futures::TryStreamExt;
use zkbiotime::{DepartmentFilter, EmployeeFilter, TerminalFilter, TransactionFilter};

/// A few characters from the middle of `text`, upper-cased: `icontains` ignores case.
fn middle(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let start = chars.len() / 3;
    chars[start..(start + 3).min(chars.len())].iter().collect::<String>().to_uppercase()
}

#[tokio::test]
async fn icontains_areas_state_and_terminal_alias() {
    let sandbox =
        zkbiotime_sandbox::SandboxBuilder::new().employees(30).days(1).spawn().await.unwrap();
    let client = common::client(&sandbox);

    let departments: Vec<_> =
        client.departments().list(Default::default()).try_collect().await.unwrap();
    let name = |d: &zkbiotime::types::Department| d.dept_name.clone().unwrap_or_default();
    let sample = departments.iter().find(|d| name(d).chars().count() >= 4).unwrap();
    let needle = middle(&name(sample));
    let found: Vec<_> = client
        .departments()
        .list(DepartmentFilter { dept_name_icontains: Some(needle.clone()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    let want: Vec<i64> = departments
        .iter()
        .filter(|d| name(d).to_uppercase().contains(&needle))
        .map(|d| d.id)
        .collect();
    assert_eq!(
        found.iter().map(|d| d.id).collect::<Vec<_>>(),
        want,
        "dept_name_icontains {needle}"
    );
    let none: Vec<_> = client
        .departments()
        .list(DepartmentFilter { dept_code_icontains: Some("%".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty(), "% is matched as itself, not as a wildcard");

    let employees: Vec<_> =
        client.employees().list(Default::default()).try_collect().await.unwrap();
    let with_area = employees.iter().find(|e| !e.area.is_empty()).unwrap();
    let area = with_area.area[0].id;
    let in_area: Vec<_> = client
        .employees()
        .list(EmployeeFilter { areas: Some(area), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    let want: Vec<i64> =
        employees.iter().filter(|e| e.area.iter().any(|a| a.id == area)).map(|e| e.id).collect();
    assert_eq!(in_area.iter().map(|e| e.id).collect::<Vec<_>>(), want, "areas={area}");
    let code = &with_area.emp_code;
    let by_code: Vec<_> = client
        .employees()
        .list(EmployeeFilter { emp_code_icontains: Some(code.to_string()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(by_code.iter().any(|e| e.id == with_area.id));
    assert!(by_code.iter().all(|e| e.emp_code.contains(code.as_str())));

    let terminals: Vec<_> =
        client.terminals().list(Default::default()).try_collect().await.unwrap();
    let terminal = &terminals[0];
    let needle = middle(&terminal.sn);
    let by_sn: Vec<_> = client
        .terminals()
        .list(TerminalFilter { sn_icontains: Some(needle.clone()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(by_sn.iter().any(|t| t.id == terminal.id));
    assert!(by_sn.iter().all(|t| t.sn.to_uppercase().contains(&needle)));
    if let Some(state) = &terminal.state {
        let by_state: Vec<_> = client
            .terminals()
            .list(TerminalFilter { state: Some(state.to_string()), ..Default::default() })
            .try_collect()
            .await
            .unwrap();
        let want = terminals.iter().filter(|t| t.state.as_ref() == Some(state)).count();
        assert_eq!(by_state.len(), want);
    }

    let punches: Vec<_> =
        client.transactions().list(Default::default()).try_collect().await.unwrap();
    let alias = punches.iter().find_map(|p| p.terminal_alias.clone()).unwrap();
    let by_alias: Vec<_> = client
        .transactions()
        .list(TransactionFilter { terminal_alias: Some(alias.to_string()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    let want = punches.iter().filter(|p| p.terminal_alias.as_ref() == Some(&alias)).count();
    assert!(want > 0);
    assert_eq!(by_alias.len(), want, "terminal_alias={alias}");
}
