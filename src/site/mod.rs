//! `techpact site`: the checked dataset as a static website of plain files.
//!
//! A page per record (its fields for people, references as named links,
//! dates in words, sources with their quotes, what references it, its JSON
//! and its file in the repository), a page per collection with facets, the
//! partnership network as an SVG laid out at build time, a timeline, a small
//! search index, each record's JSON, the collection indexes as JSON, and an
//! Atom feed of the changes of each release (the same comparison as `diff`).
//!
//! Links are relative, so the site works from `file://` and under any path
//! prefix; nothing is fetched from elsewhere (source URLs are plain links);
//! the same data gives the same bytes. Like an export, the site describes a
//! checked dataset: with errors it writes nothing. The folder is written
//! beside its destination and renamed into place.

pub mod feed;
pub mod fields;
pub mod graph;
pub mod index;
pub mod node;
mod output;
pub mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use askama::Template;
use rayon::prelude::*;
use serde::Serialize;

use crate::check;
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::model::{Collection, Record, Str};
use crate::validate::Typed;
use fields::record_fields;
use graph::Network;
use index::{Entry, Index, date_in_words};
use node::Node;
use pages::*;

/// What the site says about where its data comes from.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The web address of the data folder's files at this commit, ending in
    /// `/`, such as `https://github.com/o/r/blob/<commit>/data/`.
    pub files_url: Option<String>,
    /// The release version, when the site is part of one.
    pub version: Option<String>,
    /// The commit the data comes from.
    pub commit: Option<String>,
    /// The releases to list in the feed, newest first.
    pub releases: Vec<feed::Release>,
}

/// What `techpact site` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder to write.
    pub out: PathBuf,
    /// The repository's web address; the git remote `origin` when `None`.
    pub repository: Option<String>,
}

/// The result of `techpact site`.
#[derive(Debug)]
pub struct Outcome {
    /// The findings of the check that ran first.
    pub checked: check::Report,
    /// Files written; `None` when the check had errors and nothing was written.
    pub written: Option<usize>,
    /// The typed records the site was made from.
    pub typed: Typed,
}

impl Outcome {
    /// How many records the site holds.
    pub fn records(&self) -> usize {
        self.typed.records.iter().flatten().count()
    }
}

/// Checks the dataset in `dir` (shown as `display`) and, when it has no
/// errors, writes its site to `options.out`.
pub fn run(dir: &Path, display: &str, options: &Options) -> Result<Outcome> {
    output::check_destination(&options.out)?;
    let (checked, typed, dataset) =
        check::run(dir, display, &check::Options::default())?.into_parts();
    if checked
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        return Ok(Outcome {
            checked,
            written: None,
            typed,
        });
    }
    // The pages need only the typed records: the loaded files are freed
    // while the index is built.
    let (index, ()) = rayon::join(|| Index::new(&typed.records), || dataset.free());
    let index = index?;
    let context = feed::context_of(dir, options.repository.as_deref())?;
    let written = output::write_folder(&options.out, |root| {
        build(&index, &context, &|path: &str, bytes: &[u8]| {
            output::write_file(root, path, bytes)
        })
    });
    index.free();
    let written = written?;
    Ok(Outcome {
        checked,
        written: Some(written),
        typed,
    })
}

/// Where the built files go: a relative path (with `/`) and its bytes.
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> Result<()> + Sync + 'a;

/// Renders every file of the site into `sink`, in parallel and in no
/// particular order, each dropped once written; returns how many.
pub fn build(index: &Index, context: &Context, sink: &Sink<'_>) -> Result<usize> {
    let site = Site::new(index, context);
    let files = site.files();
    files
        .par_iter()
        .try_for_each(|&file| sink(&site.path(file), &site.render(file)?))?;
    Ok(files.len())
}

/// A file of the site, named (`Site::path`) and rendered (`Site::render`)
/// on its own, in any order. Collections are named by their position in
/// `Collection::ALL`, facets and their values by their position in the
/// collection's facets, records by their place in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    /// `style.css`.
    Style,
    /// `search.js`.
    Script,
    /// `search-index.js`.
    SearchIndex,
    /// `collections.json`.
    Collections,
    /// `index.html`.
    Home,
    /// `network.html`.
    Network,
    /// `network.svg`.
    NetworkSvg,
    /// `timeline.html`.
    Timeline,
    /// `feed.xml`.
    Feed,
    /// A collection's `index.json`.
    CollectionJson(usize),
    /// A collection's `index.html`.
    CollectionPage(usize),
    /// A collection's page of one facet value: the collection, the facet,
    /// the value.
    FacetPage(usize, usize, usize),
    /// A record's page, `<collection>/<id>.html`.
    RecordPage(usize),
    /// A record's JSON, `<collection>/<id>.json`.
    RecordJson(usize),
}

/// A collection's records and their facets, as its pages list them.
struct Shelf {
    collection: Collection,
    members: Vec<usize>,
    facets: Facets,
}

/// The site of an index, ready to render: what every page shares is made
/// once, and each file can be rendered on its own, in any order.
pub struct Site<'a> {
    index: &'a Index<'a>,
    context: &'a Context,
    info: SiteInfo,
    net: Network,
    /// Each collection's, in the order of `Collection::ALL`.
    shelves: Vec<Shelf>,
    /// The whole network's picture, drawn when a page first needs it.
    whole: OnceLock<graph::Picture>,
}

impl<'a> Site<'a> {
    /// The site of `index`, saying where its data comes from by `context`.
    pub fn new(index: &'a Index<'a>, context: &'a Context) -> Site<'a> {
        Site {
            index,
            context,
            info: SiteInfo {
                collections: Collection::ALL
                    .iter()
                    .map(|c| CollectionCount {
                        name: c.dir_name().to_string(),
                        count: index.of(*c).len(),
                    })
                    .collect(),
                version: context.version.clone(),
                commit: context.commit.clone(),
            },
            net: Network::new(index),
            shelves: Collection::ALL
                .iter()
                .map(|&collection| {
                    let members: Vec<usize> = index.of(collection).collect();
                    Shelf {
                        collection,
                        facets: facets(index, &members),
                        members,
                    }
                })
                .collect(),
            whole: OnceLock::new(),
        }
    }

    /// Every file of the site: the style sheet and script, the search
    /// index, the home page, the network, the timeline, the feed, each
    /// collection's index, page and facet pages, then each record's page and
    /// JSON. Each is rendered by `render` when it is wanted, so none need be
    /// held for long.
    pub fn files(&self) -> Vec<File> {
        let mut files = vec![
            File::Style,
            File::Script,
            File::SearchIndex,
            File::Collections,
            File::Home,
            File::Network,
            File::NetworkSvg,
            File::Timeline,
            File::Feed,
        ];
        for (k, shelf) in self.shelves.iter().enumerate() {
            files.push(File::CollectionJson(k));
            files.push(File::CollectionPage(k));
            for (f, (_, values)) in shelf.facets.iter().enumerate() {
                files.extend((0..values.len()).map(|v| File::FacetPage(k, f, v)));
            }
        }
        for i in 0..self.index.entries.len() {
            files.extend([File::RecordPage(i), File::RecordJson(i)]);
        }
        files
    }

    /// Where `file` goes, relative to the site's root.
    pub fn path(&self, file: File) -> String {
        let collection = |k: usize| self.shelves[k].collection;
        match file {
            File::Style => "style.css".into(),
            File::Script => "search.js".into(),
            File::SearchIndex => "search-index.js".into(),
            File::Collections => "collections.json".into(),
            File::Home => "index.html".into(),
            File::Network => "network.html".into(),
            File::NetworkSvg => "network.svg".into(),
            File::Timeline => "timeline.html".into(),
            File::Feed => "feed.xml".into(),
            File::CollectionJson(k) => format!("{}/index.json", collection(k)),
            File::CollectionPage(k) => format!("{}/index.html", collection(k)),
            File::FacetPage(k, f, v) => {
                let (name, values) = &self.shelves[k].facets[f];
                format!("{}/{name}/{}.html", collection(k), slug(&values[v].0))
            }
            File::RecordPage(i) => self.index.entries[i].page(),
            File::RecordJson(i) => self.index.entries[i].json_file(),
        }
    }

    /// `file`, rendered.
    pub fn render(&self, file: File) -> Result<Vec<u8>> {
        let (index, site, context) = (self.index, &self.info, self.context);
        let whole = || {
            self.whole
                .get_or_init(|| graph::whole(index, &self.net, ""))
        };
        let text = match file {
            File::Style => return Ok(include_bytes!("templates/style.css").to_vec()),
            File::Script => return Ok(include_bytes!("templates/search.js").to_vec()),
            File::SearchIndex => return search_index(index),
            File::Collections => collections_json(index),
            File::Home => home(index, site)?,
            File::Network => network_page(whole(), site)?,
            File::NetworkSvg => standalone_svg(&whole().svg),
            File::Timeline => timeline(index, site)?,
            File::Feed => feed::render(index, &context.releases)?,
            File::CollectionJson(k) => collection_json(index, &self.shelves[k].members),
            File::CollectionPage(k) => collection_page(index, &self.shelves[k], site)?,
            File::FacetPage(k, f, v) => {
                let shelf = &self.shelves[k];
                let (name, values) = &shelf.facets[f];
                let (value, list) = &values[v];
                facet_page(index, shelf.collection, name, value, list, site)?
            }
            File::RecordPage(i) => record_page(index, &self.net, i, site, context)?,
            File::RecordJson(i) => index.json(i),
        };
        Ok(text.into_bytes())
    }
}

fn render(t: &impl Template) -> Result<String> {
    t.render()
        .map_err(|e| Error::Other(format!("rendering a page of the site: {e}")))
}

fn home(index: &Index, site: &SiteInfo) -> Result<String> {
    render(&HomePage {
        frame: Frame {
            root: "",
            title: "techpact: industry–academia partnerships in AI and quantum",
            site,
        },
        total: index.entries.len(),
    })
}

fn network_page(picture: &graph::Picture, site: &SiteInfo) -> Result<String> {
    render(&NetworkPage {
        frame: Frame {
            root: "",
            title: "The partnership network",
            site,
        },
        picture,
    })
}

/// The network picture as a file of its own, styled by the site's sheet.
fn standalone_svg(svg: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/css\" href=\"style.css\"?>\n{svg}\n"
    )
}

/// `search-index.js`: `[page, title, what to match, collection]` per record,
/// as a script so it loads from `file://` too. Each row is made as it is
/// written: the index of a large dataset is tens of megabytes.
fn search_index(index: &Index) -> Result<Vec<u8>> {
    struct Rows<'a>(&'a Index<'a>);
    impl Serialize for Rows<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.collect_seq(self.0.entries.iter().map(|e| {
                let mut words = vec![e.title.as_str(), e.id.as_str()];
                words.extend(e.aliases.iter().map(Str::as_str));
                (
                    e.page(),
                    e.title.as_str(),
                    words.join(" ").to_lowercase(),
                    e.collection.to_string(),
                )
            }))
        }
    }
    let mut out = b"window.TECHPACT_RECORDS = ".to_vec();
    serde_json::to_writer(&mut out, &Rows(index))
        .map_err(|e| Error::Other(format!("writing the search index of the site: {e}")))?;
    out.extend_from_slice(b";\n");
    Ok(out)
}

#[derive(Serialize)]
struct IndexRow<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    page: String,
    json: String,
}

/// `collections.json`: every collection with its count and index.
fn collections_json(index: &Index) -> String {
    #[derive(Serialize)]
    struct C {
        collection: &'static str,
        records: usize,
        index: String,
    }
    let list: Vec<C> = Collection::ALL
        .iter()
        .map(|c| C {
            collection: c.dir_name(),
            records: index.of(*c).len(),
            index: format!("{c}/index.json"),
        })
        .collect();
    crate::format::to_canonical_string(&list)
}

/// A collection's `index.json`: each of its `members` with its files.
fn collection_json(index: &Index, members: &[usize]) -> String {
    let rows: Vec<IndexRow> = members
        .iter()
        .map(|&i| {
            let e = &index.entries[i];
            IndexRow {
                id: &e.id,
                title: &e.title,
                kind: e.kind(),
                page: format!("{}.html", e.id),
                json: format!("{}.json", e.id),
            }
        })
        .collect();
    crate::format::to_canonical_string(&rows)
}

/// A collection's page: every record, and links to its facet pages.
fn collection_page(index: &Index, shelf: &Shelf, site: &SiteInfo) -> Result<String> {
    let c = shelf.collection;
    let title = format!("{} ({})", c, shelf.members.len());
    let facet_links: Vec<Facet> = shelf
        .facets
        .iter()
        .map(|(name, values)| Facet {
            name: (*name).to_string(),
            values: values
                .iter()
                .map(|(value, list)| FacetValue {
                    href: format!("{}/{}.html", name, slug(value)),
                    label: value.clone(),
                    count: list.len(),
                })
                .collect(),
        })
        .collect();
    render(&CollectionPage {
        frame: Frame {
            root: "../",
            title: &title,
            site,
        },
        collection: c.dir_name(),
        filter: None,
        rows: rows(index, &shelf.members, "../"),
        facets: facet_links,
    })
}

/// A collection's page of the records with one value of a facet.
fn facet_page(
    index: &Index,
    c: Collection,
    name: &str,
    value: &str,
    list: &[usize],
    site: &SiteInfo,
) -> Result<String> {
    let title = format!("{c} with {name} {value}");
    render(&CollectionPage {
        frame: Frame {
            root: "../../",
            title: &title,
            site,
        },
        collection: c.dir_name(),
        filter: Some(format!("{name} {value}")),
        rows: rows(index, list, "../../"),
        facets: Vec::new(),
    })
}

/// A facet value as a file name.
fn slug(value: &str) -> String {
    value
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Each facet's name and its values in order, each with its records.
type Facets = Vec<(&'static str, Vec<(String, Vec<usize>)>)>;

/// The facets of a collection's records: kind, field, year and country,
/// each value with its records; a facet without values is left out.
fn facets(index: &Index, members: &[usize]) -> Facets {
    let mut kind: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut field: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut year: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut country: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in members {
        let e = &index.entries[i];
        if let Some(k) = e.kind() {
            kind.entry(k.replace('-', " ")).or_default().push(i);
        }
        let set: BTreeSet<&str> = e.fields.iter().map(Str::as_str).collect();
        for f in set {
            field.entry(f.replace('-', " ")).or_default().push(i);
        }
        let years: BTreeSet<&str> = e.dated().map(|(_, d)| &d[..4.min(d.len())]).collect();
        for y in years {
            year.entry(y.to_string()).or_default().push(i);
        }
        for cc in index.countries(i) {
            country.entry(cc.into()).or_default().push(i);
        }
    }
    [
        ("kind", kind),
        ("field", field),
        ("year", year),
        ("country", country),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(name, values)| (name, values.into_iter().collect()))
    .collect()
}

fn rows(index: &Index, members: &[usize], root: &str) -> Vec<Row> {
    members
        .iter()
        .map(|&i| {
            let e = &index.entries[i];
            Row {
                href: format!("{root}{}", e.page()),
                title: e.title.clone(),
                kind: e.kind().unwrap_or("").replace('-', " "),
                date: e
                    .dated()
                    .next()
                    .map(|(_, d)| (d.to_string(), date_in_words(d))),
                sources: e.sources,
                referenced_by: index.incoming[i].len(),
            }
        })
        .collect()
}

fn timeline(index: &Index, site: &SiteInfo) -> Result<String> {
    let mut moments: Vec<(usize, Moment)> = Vec::new();
    for (i, entry) in index.entries.iter().enumerate() {
        for (pointer, iso) in entry.dated() {
            moments.push((
                i,
                Moment {
                    iso,
                    pointer,
                    entry,
                },
            ));
        }
    }
    // By date, then record, then the date's field in words: only the dates
    // of one record on one day need their labels made to be ordered.
    moments.sort_by(|(i, a), (j, b)| {
        (a.iso, i)
            .cmp(&(b.iso, j))
            .then_with(|| a.field().cmp(&b.field()))
    });
    let mut years: Vec<Year> = Vec::new();
    for (_, m) in moments {
        let y = &m.iso[..4.min(m.iso.len())];
        match years.last_mut() {
            Some(last) if last.year == y => last.items.push(m),
            _ => years.push(Year {
                year: y,
                items: vec![m],
            }),
        }
    }
    render(&TimelinePage {
        frame: Frame {
            root: "",
            title: "Timeline",
            site,
        },
        years,
    })
}

fn record_page(
    index: &Index,
    net: &Network,
    i: usize,
    site: &SiteInfo,
    context: &Context,
) -> Result<String> {
    const ROOT: &str = "../";
    let e = &index.entries[i];
    let link_to = |c: Collection, id: &str| -> Option<Link> {
        let t = &index.entries[index.find(c, id)?];
        Some(Link {
            href: format!("{ROOT}{}", t.page()),
            text: t.title.clone(),
        })
    };
    let node = index.node(i);
    let withdrawn = node.get("withdrawn").map(|w| Withdrawn {
        date: w
            .get("date")
            .and_then(Node::as_str)
            .map(|d| (d.to_string(), date_in_words(d))),
        reason: w.get("reason").and_then(Node::as_str).map(str::to_string),
        successor: w
            .get("successor")
            .and_then(Node::as_str)
            .and_then(|s| link_to(e.collection, s)),
    });
    let citations = index::citations(&node)
        .into_iter()
        .filter_map(|(source, quote, note)| citation(index, source, quote, note))
        .collect();
    let referenced_by = index
        .referenced_by(i)
        .into_iter()
        .map(|((c, field), list)| RefGroup {
            collection: c.to_string(),
            field,
            links: list
                .into_iter()
                .map(|j| Link {
                    href: format!("{ROOT}{}", index.entries[j].page()),
                    text: index.entries[j].title.clone(),
                })
                .collect(),
        })
        .collect();
    let picture = if graph::NETWORK.contains(&e.collection) {
        graph::neighbourhood(index, net, i, ROOT)
    } else {
        None
    };
    render(&RecordPage {
        frame: Frame {
            root: ROOT,
            title: &e.title,
            site,
        },
        collection: e.collection.dir_name(),
        id: &e.id,
        withdrawn,
        fields: record_fields(index, i, &node, ROOT),
        note: node.get("note").and_then(Node::as_str),
        picture,
        citations,
        referenced_by,
        repository_file: context
            .files_url
            .as_ref()
            .map(|base| format!("{base}{}/{}.json", e.collection, e.id)),
    })
}

fn citation(
    index: &Index,
    source: &str,
    quote: Option<&str>,
    note: Option<&str>,
) -> Option<Citation> {
    let k = index.find(Collection::Sources, source)?;
    let s: &Entry = &index.entries[k];
    let Record::Source(record) = index.record(k) else {
        return None;
    };
    Some(Citation {
        href: format!("../{}", s.page()),
        title: s.title.clone(),
        publisher: record.publisher.as_ref().map(|p| p.as_str().to_string()),
        date: record
            .published
            .as_ref()
            .map(|d| (d.as_str().to_string(), date_in_words(d.as_str()))),
        url: record.url.as_ref().map(|u| u.as_str().to_string()),
        quote: quote.map(str::to_string),
        note: note.map(str::to_string),
    })
}
