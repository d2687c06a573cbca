//! A record's values for people: each field with a label, references as
//! links naming their target, dates in words, enumerated values in plain
//! words and web addresses as links. Nested objects (a signatory, a
//! citation's parts) become groups of labelled values one level deep; deeper
//! members are folded into that level with a joined label.
//!
//! Each value carries its evidence exactly as the provenance rule finds it
//! (the statements `check`, `show` and the exports read): the citations
//! whose quote states it or whose `supports` cover it, the editor's
//! `inferred` entries with their reasons, or a source's own description.
//! The site matches nothing itself, so a page shows no more and no less
//! evidence than `check` accepts.

use super::index::{Detail, Entry, Index, date_in_words, field_label};
use super::node::Node;
use crate::rules::provenance::Level;

/// One value as a page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Plain text.
    Text(String),
    /// A link to another record's page.
    Record {
        /// Relative address of the page.
        href: String,
        /// The record's title.
        text: String,
    },
    /// A web address, as a plain link.
    Web(String),
    /// A date: as written, and in words.
    Date {
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        iso: String,
        /// `5 March 2021`.
        words: String,
    },
    /// An object's members.
    Group(Vec<Field>),
}

/// A labelled field with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field's name for people.
    pub label: String,
    /// Its values, in order.
    pub values: Vec<Shown>,
}

/// A top-level value with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Backed {
    /// The value.
    pub shown: Shown,
    /// What backs it.
    pub evidence: Vec<Mark>,
}

/// One piece of evidence for a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// Its text is in the quotes of these citations (1-based).
    Quoted(Vec<usize>),
    /// These citations list it in `supports`.
    Cited(Vec<usize>),
    /// An editor derived it, for this reason.
    Inferred(String),
    /// A source's own description of itself.
    Own,
}

/// A top-level field with its values and their evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The field's name for people.
    pub label: String,
    /// Its values, in order.
    pub values: Vec<Backed>,
}

/// The members of a record not shown elsewhere on its page: the title, id,
/// citations, note and lifecycle status have their own places.
const OWN_PLACE: [&str; 7] = [
    "id",
    "name",
    "title",
    "sources",
    "note",
    "withdrawn",
    "inferred",
];

/// The fields of entry `i`, whose record is `node`, for its page; `root`
/// leads from the page to the site's root.
pub fn record_fields(index: &Index, i: usize, node: &Node, root: &str) -> Vec<Row> {
    let entry = &index.entries[i];
    let Node::Object(members) = node else {
        return Vec::new();
    };
    let cx = Cx {
        index,
        entry,
        node,
        detail: index.detail(i),
        root,
    };
    members
        .iter()
        .filter(|(k, _)| !OWN_PLACE.contains(&k.as_str()))
        .map(|(k, v)| {
            let pointer = format!("/{}", escape(k));
            Row {
                label: field_label(&pointer),
                values: cx.values(&pointer, v),
            }
        })
        .collect()
}

struct Cx<'a> {
    index: &'a Index<'a>,
    entry: &'a Entry,
    node: &'a Node,
    detail: Detail,
    root: &'a str,
}

impl Cx<'_> {
    /// The values of a top-level member: an array's elements, or the value.
    fn values(&self, pointer: &str, v: &Node) -> Vec<Backed> {
        let backed = |at: String, item: &Node| Backed {
            shown: self.value(&at, item),
            evidence: self.evidence(&at),
        };
        match v {
            Node::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| backed(format!("{pointer}/{i}"), item))
                .collect(),
            _ => vec![backed(pointer.to_string(), v)],
        }
    }

    /// The evidence of the value at `pointer`: what the provenance rule
    /// found for it and for every value inside it, and nothing else.
    fn evidence(&self, pointer: &str) -> Vec<Mark> {
        let (mut quoted, mut cited, mut inferred) = (Vec::new(), Vec::new(), Vec::new());
        let mut own = false;
        for s in self
            .detail
            .statements
            .iter()
            .filter(|s| covers(pointer, &s.pointer))
        {
            match (s.level, s.citation, s.inference) {
                (Level::Quoted, Some(c), _) => quoted.push(c + 1),
                (Level::Cited, Some(c), _) => cited.push(c + 1),
                (Level::Inferred, _, Some(i)) => inferred.push(i),
                (Level::Own, ..) => own = true,
                _ => {}
            }
        }
        let mut marks = Vec::new();
        for (list, mark) in [
            (quoted, Mark::Quoted as fn(Vec<usize>) -> Mark),
            (cited, Mark::Cited),
        ] {
            let mut list = list;
            list.sort_unstable();
            list.dedup();
            if !list.is_empty() {
                marks.push(mark(list));
            }
        }
        inferred.sort_unstable();
        inferred.dedup();
        if let Some(Node::Array(entries)) = self.node.get("inferred") {
            // Entries for several values of a group often give one reason:
            // the group shows it once.
            let mut reasons: Vec<&str> = Vec::new();
            for i in inferred {
                if let Some(reason) = entries.get(i).and_then(|e| e.get("reason")?.as_str())
                    && !reasons.contains(&reason)
                {
                    reasons.push(reason);
                }
            }
            marks.extend(reasons.into_iter().map(|r| Mark::Inferred(r.to_string())));
        }
        if own {
            marks.push(Mark::Own);
        }
        marks
    }

    fn value(&self, pointer: &str, v: &Node) -> Shown {
        match v {
            Node::Object(members) => {
                let mut group = Vec::new();
                self.flatten(pointer, "", members, &mut group);
                Shown::Group(group)
            }
            _ => self.leaf(pointer, v),
        }
    }

    /// An object's members as fields, deeper objects folded in with a
    /// joined label.
    fn flatten(
        &self,
        pointer: &str,
        prefix: &str,
        members: &[(String, Node)],
        out: &mut Vec<Field>,
    ) {
        for (k, v) in members {
            let at = format!("{pointer}/{}", escape(k));
            let label = format!("{prefix}{}", k.replace('_', " "));
            match v {
                Node::Object(inner) => self.flatten(&at, &format!("{label} › "), inner, out),
                Node::Array(items) if items.iter().any(|n| matches!(n, Node::Object(_))) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Node::Object(inner) = item {
                            self.flatten(&format!("{at}/{i}"), &format!("{label} › "), inner, out);
                        } else {
                            out.push(Field {
                                label: label.clone(),
                                values: vec![self.leaf(&format!("{at}/{i}"), item)],
                            });
                        }
                    }
                }
                Node::Array(items) => out.push(Field {
                    label,
                    values: items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.leaf(&format!("{at}/{i}"), item))
                        .collect(),
                }),
                _ => out.push(Field {
                    label,
                    values: vec![self.leaf(&at, v)],
                }),
            }
        }
    }

    fn leaf(&self, pointer: &str, v: &Node) -> Shown {
        let text = match v {
            Node::String(s) => s.as_str(),
            Node::Bool(true) => return Shown::Text("yes".into()),
            Node::Bool(false) => return Shown::Text("no".into()),
            Node::Number(n) => return Shown::Text(n.clone()),
            Node::Null => return Shown::Text(String::new()),
            Node::Array(_) | Node::Object(_) => return Shown::Text(String::new()),
        };
        if let Some(t) = self.entry.target_at(pointer) {
            let target = &self.index.entries[t];
            return Shown::Record {
                href: format!("{}{}", self.root, target.page()),
                text: target.title.clone(),
            };
        }
        if self.entry.is_date(pointer) {
            return Shown::Date {
                iso: text.to_string(),
                words: date_in_words(text),
            };
        }
        if text.starts_with("https://") || text.starts_with("http://") {
            return Shown::Web(text.to_string());
        }
        if self.detail.enums.contains(pointer) {
            return Shown::Text(text.replace('-', " "));
        }
        Shown::Text(text.to_string())
    }
}

/// Whether the pointer `outer` is `inner` or one of its ancestors.
fn covers(outer: &str, inner: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A JSON pointer token for `key`.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_covers_itself_and_what_is_inside() {
        assert!(covers("/roles", "/roles/0/title"));
        assert!(covers("/roles/0", "/roles/0"));
        assert!(!covers("/roles/1", "/roles/10"));
        assert!(!covers("/roles/0/title", "/roles/0"));
    }
}
