//! techpact: the typed model of an open dataset of industry–academia
//! partnerships in AI and quantum technology, and the toolkit that checks,
//! formats and releases it.
//!
//! Data flows one way: `load` → `validate` (schema, ids, typing) → `rules` →
//! findings, which `report` renders. The library never prints and never
//! exits; the `techpact` binary does both.

#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod check;
pub mod diag;
pub mod diff;
pub mod error;
pub mod evidence;
pub mod export;
pub mod fmt;
pub mod folders;
pub mod format;
pub mod git;
pub mod json;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod new;
pub mod refs;
pub mod release;
pub mod report;
pub mod rules;
pub mod schema;
pub mod show;
pub mod site;
pub mod snapshot;
pub mod span;
pub mod stats;
pub mod suggest;
pub mod validate;
pub mod verify;
