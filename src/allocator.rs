//! The binary's allocator: mimalloc, told to return freed memory to the
//! system at once.
//!
//! mimalloc 3 keeps memory freed by the program for a second (its
//! `purge_delay`, 1,000 ms) before it gives it back. A check frees each
//! file's text and parse tree as soon as the file's own stages are done, and
//! a site or a release frees the loaded files before it builds, so memory
//! freed within the last second is a large part of their peak. With the
//! delay at 0, the peak of a check of 100,000 records went from 187 to
//! 197 MiB to 163 to 166 MiB, and that of a site from 322 to 326 MiB to
//! 275 MiB, with no change in time (README, Performance). `main` leaves a
//! release at the default, and `MIMALLOC_PURGE_DELAY` in the environment
//! decides for every command, when set.

use std::ffi::{c_int, c_long};

/// Checking a large dataset allocates millions of small strings and maps;
/// mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`, the place of the purge delay in mimalloc's
/// `mi_option_t` (the same in mimalloc 2 and 3).
const PURGE_DELAY: c_int = 15;

/// mimalloc 3's default purge delay, in milliseconds: the option at
/// `PURGE_DELAY` is changed only when it reads this, so a later mimalloc
/// that moved its options is left as it is.
const DEFAULT_PURGE_DELAY: c_long = 1000;

// Declared in mimalloc.h; the `mimalloc` crate links the library but
// exposes no way to set an option.
unsafe extern "C" {
    fn mi_option_get(option: c_int) -> c_long;
    fn mi_option_set(option: c_int, value: c_long);
}

/// Sets mimalloc's purge delay to 0 unless the environment sets it;
/// returns whether it did.
pub fn purge_at_once() -> bool {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return false;
    }
    // SAFETY: both functions read or write one entry of mimalloc's option
    // table, which is safe from any thread at any time (mimalloc.h); the
    // signatures are mimalloc.h's: `long mi_option_get(mi_option_t)` and
    // `void mi_option_set(mi_option_t, long)`, `mi_option_t` a C enum.
    unsafe {
        if mi_option_get(PURGE_DELAY) != DEFAULT_PURGE_DELAY {
            return false;
        }
        mi_option_set(PURGE_DELAY, 0);
        mi_option_get(PURGE_DELAY) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option at `PURGE_DELAY` is mimalloc 3's purge delay (it starts at
    /// its default, 1,000 ms), and `purge_at_once` sets it to 0. When a new
    /// mimalloc moves or changes the option, this fails rather than the
    /// binary setting some other option.
    #[test]
    fn the_purge_delay_is_found_and_set_to_zero() {
        assert!(
            std::env::var_os("MIMALLOC_PURGE_DELAY").is_none(),
            "run the tests without MIMALLOC_PURGE_DELAY"
        );
        // SAFETY: as in `purge_at_once`.
        let before = unsafe { mi_option_get(PURGE_DELAY) };
        assert_eq!(before, DEFAULT_PURGE_DELAY);
        assert!(purge_at_once());
        // SAFETY: as in `purge_at_once`.
        assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, 0);
    }
}
