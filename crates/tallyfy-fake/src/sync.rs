//! [`lock`]: taking a mutex whatever happened to an earlier holder.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, ignoring poisoning (a panicking test must not break the others' view of the fake).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
