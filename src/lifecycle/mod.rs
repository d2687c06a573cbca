//! The record lifecycle tools: `rename`, `withdraw` and `resolve`, and the
//! `redirects.json` a release carries.
//!
//! An id, once released, is permanent. These tools make doing that right the
//! easy path: a rename leaves a tombstone at a published id, a merge points
//! every reference at the successor, and every edit is atomic — each file's
//! new text is written to a temporary file beside it, the whole dataset as it
//! would be is checked, and only then are the files renamed into place.

pub mod redirects;
pub mod rewrite;
pub mod tools;
pub mod transaction;

pub use tools::{Done, Resolution, rename, resolve, today, withdraw};
