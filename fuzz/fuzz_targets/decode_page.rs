//! Bytes → the core's generated answer types (list envelopes, one employee, the DRF error
//! body): decoding never panics, and whatever decodes encodes and decodes again with the
//! same ids, counts and links. Server times (the input as text, and every decoded punch's
//! times) go through `parse_naive`, whose hand-written fast path must agree with chrono.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zkbiotime::ListPage;
use zkbiotime::types::{Employee, EmployeePage, ErrorBody, TransactionPage};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_time(text);
    }
    if let Ok(page) = serde_json::from_slice::<TransactionPage>(data) {
        for punch in &page.data {
            check_time(&punch.punch_time);
            punch.upload_time.as_deref().map(check_time);
        }
        check_page(page);
    }
    if let Ok(page) = serde_json::from_slice::<EmployeePage>(data) {
        check_page(page);
    }
    if let Ok(employee) = serde_json::from_slice::<Employee>(data) {
        let again: Employee = reencode(&employee);
        assert_eq!((again.id, &again.emp_code), (employee.id, &employee.emp_code));
    }
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(data) {
        let again: ErrorBody = reencode(&body);
        assert_eq!(again.detail, body.detail);
        assert_eq!(again.extra.keys().collect::<Vec<_>>(), body.extra.keys().collect::<Vec<_>>());
    }
});

/// `parse_naive` never panics and reads `YYYY-MM-DD HH:MM:SS` exactly as chrono does.
fn check_time(text: &str) {
    let fast = zkbiotime::parse_naive(text);
    if let Ok(slow) = chrono::NaiveDateTime::parse_from_str(text.trim(), zkbiotime::SERVER_FORMAT) {
        assert_eq!(fast.ok(), Some(slow), "{text:?}");
    }
}

/// Encodes and decodes again. (Floats are not compared: serde_json's default float parser
/// may differ from the shortest encoding by one ulp.)
fn reencode<T: Serialize + DeserializeOwned + Debug>(value: &T) -> T {
    let text = serde_json::to_vec(value).expect("a decoded value encodes");
    serde_json::from_slice(&text).unwrap_or_else(|e| {
        panic!("{value:?} encoded as {:?} does not decode: {e}", String::from_utf8_lossy(&text))
    })
}

fn check_page<P: ListPage + Serialize + Debug>(page: P) {
    let again: P = reencode(&page);
    assert_eq!(again.count(), page.count());
    assert_eq!(again.next(), page.next());
    assert_eq!(again.code(), page.code());
    assert_eq!(again.msg(), page.msg());
    assert_eq!(again.id_bounds(), page.id_bounds());
    assert_eq!(again.into_data().len(), page.into_data().len());
}
