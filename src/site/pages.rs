//! One struct per page, each filled from the index and rendered by the
//! askama template of the same name beside this file. Templates are
//! checked when the crate compiles; they only show what they are given.

use askama::Template;

use super::fields::{Mark, Row as FieldRow, Shown};
use super::graph::Picture;
use super::index::{Entry, date_in_words, field_label};

/// What every page shares: where the site's root is, its title, the site.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The path from the page to the site's root: `""`, `"../"`, `"../../"`.
    pub root: &'a str,
    /// The page's title and `h1`.
    pub title: &'a str,
    /// The whole site.
    pub site: &'a SiteInfo,
}

/// What the header and footer of every page show.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    /// Every collection with its record count.
    pub collections: Vec<CollectionCount>,
    /// The release version, when the site is part of one.
    pub version: Option<String>,
    /// The commit the data comes from, when known.
    pub commit: Option<String>,
}

/// A collection and how many records it holds.
#[derive(Debug, Clone)]
pub struct CollectionCount {
    /// The folder name.
    pub name: String,
    /// Its records.
    pub count: usize,
}

/// A link to a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    /// Relative address.
    pub href: String,
    /// What it says.
    pub text: String,
}

/// A date as written, and in words.
pub type Dated = (String, String);

/// A record's lifecycle status, when it is withdrawn.
#[derive(Debug, Clone)]
pub struct Withdrawn {
    /// When.
    pub date: Option<Dated>,
    /// Why.
    pub reason: Option<String>,
    /// The record that replaces it.
    pub successor: Option<Link>,
}

/// One citation on a record's page.
#[derive(Debug, Clone)]
pub struct Citation {
    /// The source's page.
    pub href: String,
    /// The source's title.
    pub title: String,
    /// Its publisher.
    pub publisher: Option<String>,
    /// Its publication date.
    pub date: Option<Dated>,
    /// Its web address.
    pub url: Option<String>,
    /// The quote, verbatim.
    pub quote: Option<String>,
    /// The citation's note.
    pub note: Option<String>,
}

/// The records of one collection that reference a record through one field.
#[derive(Debug, Clone)]
pub struct RefGroup {
    /// Their collection.
    pub collection: String,
    /// The field, for people.
    pub field: String,
    /// The records.
    pub links: Vec<Link>,
}

/// `<collection>/<id>.html`.
#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage<'a> {
    /// Shared parts.
    pub frame: Frame<'a>,
    /// The collection.
    pub collection: &'a str,
    /// The id.
    pub id: &'a str,
    /// Set when the record is withdrawn.
    pub withdrawn: Option<Withdrawn>,
    /// Its fields.
    pub fields: Vec<FieldRow>,
    /// Its note.
    pub note: Option<&'a str>,
    /// Its neighbourhood, for network records.
    pub picture: Option<Picture>,
    /// Its citations.
    pub citations: Vec<Citation>,
    /// Who references it.
    pub referenced_by: Vec<RefGroup>,
    /// Its file in the repository, when the repository is known.
    pub repository_file: Option<String>,
}

/// One row of a collection's table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The record's page.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Its kind or category.
    pub kind: String,
    /// Its first date.
    pub date: Option<Dated>,
    /// How many citations it has.
    pub sources: usize,
    /// How many records reference it.
    pub referenced_by: usize,
}

/// One value of a facet, with how many records have it.
#[derive(Debug, Clone)]
pub struct FacetValue {
    /// Its page.
    pub href: String,
    /// The value.
    pub label: String,
    /// Records with it.
    pub count: usize,
}

/// A facet of a collection: kind, field, year or country.
#[derive(Debug, Clone)]
pub struct Facet {
    /// Its name.
    pub name: String,
    /// Its values.
    pub values: Vec<FacetValue>,
}

/// `<collection>/index.html` and its facet pages.
#[derive(Template)]
#[template(path = "collection.html")]
pub struct CollectionPage<'a> {
    /// Shared parts.
    pub frame: Frame<'a>,
    /// The collection.
    pub collection: &'a str,
    /// The facet value this page lists, if any.
    pub filter: Option<String>,
    /// The records.
    pub rows: Vec<Row>,
    /// The facets (on the collection's own page).
    pub facets: Vec<Facet>,
}

/// `network.html`.
#[derive(Template)]
#[template(path = "network.html")]
pub struct NetworkPage<'a> {
    /// Shared parts.
    pub frame: Frame<'a>,
    /// The picture.
    pub picture: &'a Picture,
}

/// A dated value on the timeline, borrowed from its record's entry: a
/// large dataset has a moment for every date, so its words and label (and
/// the entry's link) are made as the page is written, not held for every
/// moment.
#[derive(Debug, Clone)]
pub struct Moment<'a> {
    /// The date as written.
    pub iso: &'a str,
    /// Where the date sits in the record.
    pub pointer: &'a str,
    /// The record's entry.
    pub entry: &'a Entry,
}

impl Moment<'_> {
    /// The date in words.
    pub fn words(&self) -> String {
        date_in_words(self.iso)
    }

    /// The date's field, in words.
    pub fn field(&self) -> String {
        field_label(self.pointer)
    }
}

/// The moments of one year.
#[derive(Debug, Clone)]
pub struct Year<'a> {
    /// The year.
    pub year: &'a str,
    /// Its moments, in date order.
    pub items: Vec<Moment<'a>>,
}

/// `timeline.html`.
#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage<'a> {
    /// Shared parts.
    pub frame: Frame<'a>,
    /// The years, oldest first.
    pub years: Vec<Year<'a>>,
}

/// `index.html`.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    /// Shared parts.
    pub frame: Frame<'a>,
    /// Records in all.
    pub total: usize,
}

/// One release in the feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// `v1.4.0`.
    pub tag: String,
    /// What the entry says in its title.
    pub title: String,
    /// RFC 3339.
    pub updated: String,
    /// The changes, as HTML (the template escapes it once more for Atom).
    pub html: String,
}

/// `feed.xml`.
#[derive(Template)]
#[template(path = "feed.xml")]
pub struct Feed {
    /// RFC 3339 time of the newest entry.
    pub updated: String,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

/// `Shown` and `Mark` are named by the templates' `match` arms.
#[allow(dead_code)]
fn named_by_templates(_: &Shown, _: &Mark) {}
