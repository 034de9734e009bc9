//! Ordered id snapshots per (table, filters, sort key), so a page is a slice lookup.
//!
//! SQLite's `LIMIT/OFFSET` walks every skipped row, which makes page k of a million-row
//! pull cost O(k × size). Instead each distinct list query keeps its matching ids sorted
//! in memory: built once (O(n)), extended incrementally when rows are appended (new ids
//! above the snapshot's high-water mark), rebuilt only after updates or deletes. Serving a
//! page is then O(page size).

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};

use crate::db::{Store, Table};

/// Column a list is ordered by; ties always break on id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Id,
    PunchTime,
    UploadTime,
    /// A text column (an organisation list's code or name), in byte order: the key is the
    /// row's rank, so the snapshot is rebuilt, not merged, when rows are appended.
    Text(&'static str),
}

impl SortKey {
    fn column(self) -> &'static str {
        match self {
            SortKey::Id => "id",
            SortKey::PunchTime => "punch_time",
            SortKey::UploadTime => "upload_time",
            SortKey::Text(column) => column,
        }
    }
}

/// One `WHERE` condition: an SQL fragment with a single `?` and its value.
#[derive(Debug, Clone)]
pub struct Filter {
    pub sql: &'static str,
    pub value: SqlValue,
}

impl Filter {
    pub fn new(sql: &'static str, value: impl Into<SqlValue>) -> Self {
        Filter { sql, value: value.into() }
    }
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub table: Table,
    pub filters: Vec<Filter>,
    pub sort: SortKey,
    pub desc: bool,
}

impl ListQuery {
    pub fn new(table: Table) -> Self {
        ListQuery { table, filters: Vec::new(), sort: SortKey::Id, desc: false }
    }

    fn cache_key(&self) -> String {
        let mut k = format!("{}|{:?}", self.table.sql_name(), self.sort);
        for f in &self.filters {
            k.push('|');
            k.push_str(f.sql);
            k.push('=');
            k.push_str(&format!("{:?}", f.value));
        }
        k
    }
}

struct Entry {
    generation: u64,
    /// Highest table id the snapshot has seen; rows above it are new.
    high_water: i64,
    /// `(sort key, id)` ascending; descending orders read it backwards.
    rows: Vec<(i64, i64)>,
    last_used: u64,
}

#[derive(Default)]
pub struct IndexCache {
    entries: HashMap<String, Entry>,
    clock: u64,
}

/// Snapshots kept at once; the least recently used goes first.
const MAX_ENTRIES: usize = 32;

/// Maps `YYYY-MM-DD HH:MM:SS` to the number YYYYMMDDHHMMSS, which sorts like the text.
pub fn time_key(s: &str) -> i64 {
    let mut n: i64 = 0;
    let mut digits = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            n = n * 10 + i64::from(b - b'0');
            digits += 1;
            if digits == 14 {
                break;
            }
        }
    }
    while digits < 14 {
        n *= 10;
        digits += 1;
    }
    n
}

fn fetch(
    conn: &Connection,
    q: &ListQuery,
    above: i64,
    up_to: i64,
    out: &mut Vec<(i64, i64)>,
) -> rusqlite::Result<()> {
    let mut sql = format!(
        "SELECT id, {} FROM {} WHERE id > ? AND id <= ?",
        q.sort.column(),
        q.table.sql_name()
    );
    let mut values: Vec<SqlValue> = vec![above.into(), up_to.into()];
    for f in &q.filters {
        sql.push_str(" AND ");
        sql.push_str(f.sql);
        values.push(f.value.clone());
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut texts: Vec<(String, i64)> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let text = || r.get_ref(1).ok()?.as_str_or_null().ok().flatten();
        let key = match q.sort {
            SortKey::Id => id,
            SortKey::PunchTime | SortKey::UploadTime => text().map_or(i64::MIN, time_key),
            SortKey::Text(_) => {
                texts.push((text().unwrap_or_default().to_string(), id));
                continue;
            }
        };
        out.push((key, id));
    }
    // Text keys become ranks (ties by id); callers fetch text-sorted lists whole.
    texts.sort_unstable();
    out.extend(texts.into_iter().enumerate().map(|(rank, (_, id))| (rank as i64, id)));
    Ok(())
}

impl Store {
    /// Runs `f` on the ordered `(key, id)` rows matching `q`, refreshing the snapshot first.
    pub fn with_ordered_ids<R>(
        &mut self,
        q: &ListQuery,
        f: impl FnOnce(&[(i64, i64)]) -> R,
    ) -> rusqlite::Result<R> {
        let generation = self.generation(q.table);
        let max_id = self.max_id(q.table)?;
        let key = q.cache_key();
        let cache = &mut self.cache;
        cache.clock += 1;
        let clock = cache.clock;

        // A text order's ranks cannot take appended rows: any new row rebuilds it.
        let ranked = matches!(q.sort, SortKey::Text(_));
        let fresh = matches!(cache.entries.get(&key),
            Some(e) if e.generation == generation && !(ranked && e.high_water < max_id));
        if !fresh {
            let mut rows = Vec::new();
            fetch(&self.conn, q, i64::MIN, max_id, &mut rows)?;
            rows.sort_unstable();
            if cache.entries.len() >= MAX_ENTRIES
                && let Some(old) =
                    cache.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone())
            {
                cache.entries.remove(&old);
            }
            cache.entries.insert(
                key.clone(),
                Entry { generation, high_water: max_id, rows, last_used: clock },
            );
        }
        let entry = cache.entries.get_mut(&key).expect("entry inserted above");
        entry.last_used = clock;
        if max_id > entry.high_water {
            let mut new_rows = Vec::new();
            fetch(&self.conn, q, entry.high_water, max_id, &mut new_rows)?;
            merge(&mut entry.rows, new_rows, q.sort == SortKey::Id);
            entry.high_water = max_id;
        }
        Ok(f(&entry.rows))
    }
}

/// Adds appended rows to a sorted snapshot.
fn merge(rows: &mut Vec<(i64, i64)>, mut new_rows: Vec<(i64, i64)>, by_id: bool) {
    if new_rows.is_empty() {
        return;
    }
    new_rows.sort_unstable();
    if by_id || rows.last().is_none_or(|last| *last <= new_rows[0]) {
        rows.extend(new_rows);
    } else if new_rows.len() <= 64 {
        for r in new_rows {
            let at = rows.partition_point(|x| *x < r);
            rows.insert(at, r);
        }
    } else {
        rows.extend(new_rows);
        rows.sort_unstable();
    }
}

/// The ids of one page: `offset..offset+len` in the requested direction.
pub fn page_ids(rows: &[(i64, i64)], desc: bool, offset: usize, len: usize) -> Vec<i64> {
    let n = rows.len();
    let end = (offset + len).min(n);
    if offset >= end {
        return Vec::new();
    }
    if desc {
        (offset..end).map(|i| rows[n - 1 - i].1).collect()
    } else {
        rows[offset..end].iter().map(|r| r.1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_like_text() {
        assert!(time_key("2024-06-26 09:00:00") < time_key("2024-06-26 10:00:00"));
        assert_eq!(time_key("2024-06-26"), 20240626000000);
    }

    #[test]
    fn merge_inserts_in_order() {
        let mut rows = vec![(1, 1), (5, 2), (9, 3)];
        merge(&mut rows, vec![(4, 7), (10, 8)], false);
        assert_eq!(rows, vec![(1, 1), (4, 7), (5, 2), (9, 3), (10, 8)]);
        assert_eq!(page_ids(&rows, true, 0, 2), vec![8, 3]);
        assert_eq!(page_ids(&rows, false, 4, 10), vec![8]);
    }
}
