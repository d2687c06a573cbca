//! `redirects.json`: every withdrawn id of a release with the id to use now,
//! so a consumer holding an old id can follow it without the toolkit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{End, Status, follow};

/// Where one withdrawn id leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The record to use instead, at the end of the successor chain; `null`
    /// when nothing replaces it.
    pub successor: Option<String>,
    /// When it was withdrawn.
    pub date: String,
    /// Why.
    pub reason: String,
}

/// The redirects of a release, by collection, then by withdrawn id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redirects {
    /// The release's version.
    pub version: String,
    /// Collection folder name → withdrawn id → redirect.
    pub redirects: BTreeMap<String, BTreeMap<String, Redirect>>,
}

/// The redirects of `collections` (folder name → id → record JSON), chains
/// collapsed. A chain that ends nowhere (a missing successor, a loop) cannot
/// be in a checked release; should one be, it redirects to `null`.
pub fn of_records(
    version: &str,
    collections: &BTreeMap<String, BTreeMap<String, Value>>,
) -> Redirects {
    let mut redirects = BTreeMap::new();
    for (name, records) in collections {
        let status = |id: &str| match records.get(id) {
            None => Status::Absent,
            Some(record) => match record.get("withdrawn") {
                None => Status::Current,
                Some(w) => Status::Withdrawn(w.get("successor").and_then(Value::as_str)),
            },
        };
        let mut of_collection = BTreeMap::new();
        for (id, record) in records {
            let Some(withdrawal) = record.get("withdrawn") else {
                continue;
            };
            let successor = match follow(id, status).1 {
                End::Current(to) => Some(to.to_string()),
                End::Dropped(_) | End::Missing(_) | End::Loop(_) => None,
            };
            let text = |key: &str| {
                withdrawal
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            of_collection.insert(
                id.clone(),
                Redirect {
                    successor,
                    date: text("date"),
                    reason: text("reason"),
                },
            );
        }
        if !of_collection.is_empty() {
            redirects.insert(name.clone(), of_collection);
        }
    }
    Redirects {
        version: version.to_string(),
        redirects,
    }
}

impl Redirects {
    /// The canonical JSON text of `redirects.json`.
    pub fn to_json(&self) -> String {
        crate::format::to_canonical_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chains_collapse_to_their_end() {
        let records: BTreeMap<String, Value> = [
            (
                "a",
                json!({"withdrawn": {"date": "2026", "reason": "r", "successor": "b"}}),
            ),
            (
                "b",
                json!({"withdrawn": {"date": "2026", "reason": "r", "successor": "c"}}),
            ),
            ("c", json!({})),
            (
                "d",
                json!({"withdrawn": {"date": "2025", "reason": "gone"}}),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let collections = BTreeMap::from([("labs".to_string(), records)]);
        let r = of_records("1.0.0", &collections);
        let labs = &r.redirects["labs"];
        assert_eq!(labs["a"].successor.as_deref(), Some("c"));
        assert_eq!(labs["b"].successor.as_deref(), Some("c"));
        assert_eq!(labs["d"].successor, None);
        assert!(!labs.contains_key("c"));
        assert!(r.to_json().contains("\"successor\": null"));
    }
}
