//! Where the site's data comes from (commit, repository address, releases)
//! and the Atom feed of what each release changed, computed with the same
//! comparison as `techpact diff` and `CHANGES.md`.

use std::path::Path;

use askama::Template;

use super::Context;
use super::index::Index;
use super::pages::{Feed, FeedEntry};
use crate::diff::{self, Changes};
use crate::error::{Error, Result};
use crate::format::rfc3339_utc;
use crate::git::releases as git;
use crate::model::Collection;
use crate::report::plural;
use crate::snapshot::Snapshot;

/// The most releases the feed lists.
pub const FEED_RELEASES: usize = 20;

/// The most records one release's entry names; the rest are counted. A
/// first release adds every record, and a feed reader fetches the whole
/// feed: a dataset of 100,000 records made an entry of 15 MB.
pub const FEED_RECORDS: usize = 100;

/// One release and what it changed since the one before.
#[derive(Debug, Clone)]
pub struct Release {
    /// `v1.4.0`.
    pub tag: String,
    /// Its commit time, seconds since the Unix epoch.
    pub time: i64,
    /// What changed since the previous release.
    pub changes: Changes,
}

/// What the repository holding `data_dir` says about it: the commit, the
/// web address of its files (`repository`, or the remote `origin`), and the
/// releases. Outside a git repository, none of it is known.
pub fn context_of(data_dir: &Path, repository: Option<&str>) -> Result<Context> {
    let Ok(repo) = git::discover(data_dir) else {
        return Ok(Context::default());
    };
    let Ok(workdir) = git::workdir(&repo) else {
        return Ok(Context::default());
    };
    let commit = git::commit(&repo, "HEAD").ok().map(|c| c.id);
    let data_dir = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let folder = data_dir
        .strip_prefix(&workdir)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let web = repository
        .map(|r| r.trim_end_matches('/').to_string())
        .or_else(|| git::remote_url(&repo, "origin").and_then(|u| web_address(&u)));
    let files_url = match (web, &commit, folder) {
        (Some(web), Some(commit), Some(folder)) => Some(if folder.is_empty() {
            format!("{web}/blob/{commit}/")
        } else {
            format!("{web}/blob/{commit}/{folder}/")
        }),
        _ => None,
    };
    Ok(Context {
        files_url,
        version: None,
        commit,
        releases: releases(&repo)?,
    })
}

/// The newest releases of `repo`, each compared with the one before.
fn releases(repo: &git2::Repository) -> Result<Vec<Release>> {
    let tags = git::version_tags(repo)?;
    let mut out = Vec::new();
    for (k, (_, tag)) in tags.iter().enumerate().take(FEED_RELEASES) {
        let new = Snapshot::at_revision(repo, tag)?;
        let old = match tags.get(k + 1) {
            Some((_, previous)) => Some(Snapshot::at_revision(repo, previous)?),
            None => None,
        };
        out.push(Release {
            tag: tag.clone(),
            time: git::commit(repo, tag)?.time,
            changes: diff::diff(old.as_ref(), &new),
        });
    }
    Ok(out)
}

/// The web address of a repository from its git remote: `git@host:o/r.git`,
/// `ssh://git@host/o/r.git` and `https://host/o/r.git` become
/// `https://host/o/r`; a local path has none.
pub fn web_address(remote: &str) -> Option<String> {
    let rest = if let Some(r) = remote.strip_prefix("https://") {
        r.to_string()
    } else if let Some(r) = remote.strip_prefix("ssh://") {
        r.split_once('@').map_or(r, |(_, h)| h).to_string()
    } else if let Some((user_host, path)) = remote.split_once(':')
        && let Some((_, host)) = user_host.split_once('@')
        && !path.starts_with('/')
    {
        format!("{host}/{path}")
    } else {
        return None;
    };
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let (host, path) = rest.split_once('/')?;
    // Credentials in an https remote are never shown.
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!path.is_empty()).then(|| format!("https://{host}/{path}"))
}

/// `feed.xml`: one entry per release, newest first.
pub fn render(index: &Index, releases: &[Release]) -> Result<String> {
    let entries: Vec<FeedEntry> = releases
        .iter()
        .map(|r| FeedEntry {
            tag: r.tag.clone(),
            title: format!("{}: {}", r.tag, r.changes.headline()),
            updated: rfc3339_utc(r.time),
            html: entry_html(index, &r.changes),
        })
        .collect();
    let updated = releases
        .first()
        .map_or_else(|| rfc3339_utc(0), |r| rfc3339_utc(r.time));
    Feed { updated, entries }
        .render()
        .map_err(|e| Error::Other(format!("rendering the feed: {e}")))
}

/// The changes of one release as HTML, records linked where they still
/// exist: at most `FEED_RECORDS` of them, then how many more each
/// collection has.
fn entry_html(index: &Index, changes: &Changes) -> String {
    let esc = super::graph::esc;
    let link = |collection: &str, id: &str| match Collection::from_dir_name(collection)
        .and_then(|c| index.find(c, id))
    {
        Some(i) => format!(
            "<a href=\"{}\">{}</a>",
            esc(&index.entries[i].page()),
            esc(&index.entries[i].title)
        ),
        None => format!("<code>{}</code>", esc(id)),
    };
    let mut html = format!("<p>{}</p>", esc(&changes.headline()));
    let mut room = FEED_RECORDS;
    for c in &changes.collections {
        html.push_str(&format!("<h3>{}</h3><ul>", esc(&c.collection)));
        let items = c
            .added
            .iter()
            .map(|id| format!("<li>added {}</li>", link(&c.collection, id)))
            .chain(c.changed.iter().map(|r| {
                let fields: Vec<String> = r.fields.iter().map(|f| esc(&f.pointer)).collect();
                format!(
                    "<li>changed {}: {}</li>",
                    link(&c.collection, &r.id),
                    fields.join(", ")
                )
            }))
            .chain(
                c.removed
                    .iter()
                    .map(|id| format!("<li>removed <code>{}</code></li>", esc(id))),
            );
        let total = c.added.len() + c.changed.len() + c.removed.len();
        let shown = total.min(room);
        html.extend(items.take(shown));
        room -= shown;
        let rest = total - shown;
        if rest > 0 {
            // A collection reached once the entry is full is counted alone.
            let count = match shown {
                0 => plural(rest, "record"),
                _ => format!("and {rest} more"),
            };
            html.push_str(&format!(
                "<li>{count}: the release's <code>CHANGES.md</code> lists them all</li>"
            ));
        }
        html.push_str("</ul>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::bundled_records;
    use crate::diff::{ChangedRecord, CollectionChanges, FieldChange, Totals};

    /// A release's entry names its first `FEED_RECORDS` records, in the
    /// order `diff` gives them, and counts the rest of each collection.
    #[test]
    fn an_entry_names_at_most_feed_records_and_counts_the_rest() {
        let records = bundled_records();
        let index = Index::new(&records).unwrap();
        let ids = |prefix: &str, n: usize| -> Vec<String> {
            (0..n).map(|k| format!("{prefix}-{k:03}")).collect()
        };
        let changed = ids("c", 30)
            .into_iter()
            .map(|id| ChangedRecord {
                id,
                fields: vec![FieldChange {
                    pointer: "/note".into(),
                    old: None,
                    new: Some("x".into()),
                }],
            })
            .collect();
        let changes = Changes {
            from: Some("v1.0.0".into()),
            to: "v1.1.0".into(),
            totals: Totals {
                added: 104,
                changed: 30,
                removed: 0,
                withdrawn: 0,
            },
            collections: vec![
                CollectionChanges {
                    collection: "labs".into(),
                    added: ids("a", 60),
                    changed,
                    removed: Vec::new(),
                    withdrawn: Vec::new(),
                },
                CollectionChanges {
                    collection: "places".into(),
                    added: ids("p", 40),
                    changed: Vec::new(),
                    removed: Vec::new(),
                    withdrawn: Vec::new(),
                },
                CollectionChanges {
                    collection: "sources".into(),
                    added: ids("s", 4),
                    changed: Vec::new(),
                    removed: Vec::new(),
                    withdrawn: Vec::new(),
                },
            ],
        };
        let html = entry_html(&index, &changes);
        let named = html.matches("<li>added ").count() + html.matches("<li>changed ").count();
        assert_eq!(named, FEED_RECORDS, "{html}");
        // Labs: 60 added and the first 30 changed fit (90); places: 10 of 40.
        assert!(
            html.contains("<li>changed <code>c-029</code>: /note</li>"),
            "{html}"
        );
        assert!(html.contains("<li>added <code>p-009</code></li>"), "{html}");
        assert!(!html.contains("p-010"), "{html}");
        assert!(
            html.contains("<h3>places</h3><ul>") && html.contains("<li>and 30 more: "),
            "{html}"
        );
        assert_eq!(html.matches("more: ").count(), 1, "{html}");
        // Sources come when the entry is full: counted, none named.
        assert!(
            html.contains("<h3>sources</h3><ul><li>4 records: the release's"),
            "{html}"
        );
        assert!(!html.contains("s-000"), "{html}");
    }

    #[test]
    fn remotes_become_web_addresses() {
        assert_eq!(
            web_address("git@github.com:o/r.git").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            web_address("https://token@github.com/o/r.git").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            web_address("ssh://git@example.org/o/r").as_deref(),
            Some("https://example.org/o/r")
        );
        assert_eq!(web_address("/srv/git/r.git"), None);
        assert_eq!(web_address("../r"), None);
    }
}
