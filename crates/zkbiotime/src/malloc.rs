//! glibc's malloc, tuned once for paging (Linux with glibc only; a no-op elsewhere).
//!
//! A page of 1,000 punches is a ~600 KB body, a ~700 KB record list and the binding's
//! copies. With glibc's defaults each freed page shrinks the heap back (the trim threshold
//! follows the mmap threshold, ~1.4 MB here) and the next page faults the same memory in
//! again: ~10 % of a Node punch pull's CPU, measured with `GLIBC_TUNABLES` before this was
//! written. Larger thresholds keep that memory between pages: at most
//! [`TRIM_THRESHOLD`] stays reserved per malloc arena once freed.
//!
//! The language bindings and `zkbio` call [`tune_from_env`] when they load; a Rust program
//! chooses its allocator itself and may call it too. `ZKBIOTIME_MALLOC=default`, or any
//! `glibc.malloc.*` setting in `GLIBC_TUNABLES`, leaves glibc's settings alone.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Blocks from this size up are mapped on their own (glibc: 128 KB, raised as blocks are
/// freed): above a page's body and record list.
pub const MMAP_THRESHOLD: usize = 2 << 20;
/// Free memory at the top of a heap beyond this is given back to the system.
pub const TRIM_THRESHOLD: usize = 8 << 20;

static TUNE: Once = Once::new();
static TUNED: AtomicBool = AtomicBool::new(false);

/// Sets glibc's mmap and trim thresholds (see the module docs), once per process, unless
/// `ZKBIOTIME_MALLOC=default` or `GLIBC_TUNABLES` tunes malloc. True when they were set
/// by this call or an earlier one.
pub fn tune_from_env() -> bool {
    TUNE.call_once(|| {
        let keep = std::env::var("ZKBIOTIME_MALLOC").is_ok_and(|v| v.trim() == "default")
            || std::env::var("GLIBC_TUNABLES").is_ok_and(|v| v.contains("glibc.malloc."));
        if !keep {
            TUNED.store(set_thresholds(), Ordering::Release);
        }
    });
    TUNED.load(Ordering::Acquire)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_thresholds() -> bool {
    // SAFETY: `mallopt` only changes malloc's parameters; glibc takes its own lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int) == 1
            && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD as libc::c_int) == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_thresholds() -> bool {
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn thresholds_are_set_once_where_glibc_is() {
        let asked = std::env::var("ZKBIOTIME_MALLOC").is_err()
            && std::env::var("GLIBC_TUNABLES").map_or(true, |v| !v.contains("glibc.malloc."));
        let glibc = cfg!(all(target_os = "linux", target_env = "gnu"));
        assert_eq!(super::tune_from_env(), asked && glibc);
        assert_eq!(super::tune_from_env(), asked && glibc, "a second call changes nothing");
    }
}
