//! The pager's arithmetic on decoded envelopes: the first 4 bytes are the page size (as
//! `ClientBuilder::page_size` takes it), the rest a transactions page. The page count the
//! pager plans with must cover exactly `count` records; `next` and the id bounds must be
//! readable for any envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkbiotime::types::TransactionPage;
use zkbiotime::{ListPage, Page};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (head, body) = data.split_at(4);
    // ClientBuilder::page_size clamps to at least 1.
    let page_size = i64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]).max(1));
    let Ok(envelope) = serde_json::from_slice::<TransactionPage>(body) else {
        return;
    };
    let count = envelope.count();
    let bounds = envelope.id_bounds();
    let has_next = envelope.next().is_some();
    let items = envelope.into_data();
    if let Some((first, last)) = bounds {
        assert_eq!((first, last), (items[0].id, items[items.len() - 1].id));
    }
    let page = Page { number: 1, count, page_size, has_next, items };
    let total = page.total_pages();
    if count <= 0 {
        assert_eq!(total, 0, "count {count}");
    } else {
        assert!(total >= 1, "count {count}, size {page_size}: {total} pages");
        assert!(total.checked_mul(page_size).is_none_or(|n| n >= count), "{count}/{page_size}");
        assert!((total - 1) * page_size < count, "{count}/{page_size}: {total} pages");
    }
});
