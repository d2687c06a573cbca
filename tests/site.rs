//! `techpact site`: every page parses, every internal link and asset
//! resolves, nothing is fetched from elsewhere, every record has a page and
//! its JSON, every page has a title and one `h1`, two runs give the same
//! bytes, the feed lists each release's changes, and a dataset with errors
//! or a foreign output folder gets no site.

use crate::common;
use crate::release_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{COLLECTIONS, copy_tree, dataset_with, fixture, root, techpact};
use release_support::Sandbox;

/// Every file of a built site by relative path.
fn site_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Builds the site of `data` into `<tmp>/<name>` and returns that folder.
fn build(cwd: &Path, data: &Path, out: &Path) {
    let run = techpact(
        cwd,
        &[
            "site",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// The site of the repository's dataset, in a temporary folder kept as long
/// as the returned guard.
fn repository_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&root(), &root().join("data"), &out);
    (tmp, out)
}

/// Resolves `href` from the page at `page` (relative to the site root).
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                assert!(parts.pop().is_some(), "{href} in {page} leaves the site");
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// What one HTML page refers to and holds.
struct Page {
    /// `(tag, attribute, value)` of every `href` and `src`.
    refs: Vec<(String, String, String)>,
    ids: Vec<String>,
    titles: Vec<String>,
    h1s: usize,
}

fn parse_page(name: &str, bytes: &[u8]) -> Page {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
    assert!(text.starts_with("<!DOCTYPE html>"), "{name}: no doctype");
    let dom = tl::parse(text, tl::ParserOptions::default())
        .unwrap_or_else(|e| panic!("{name}: does not parse: {e}"));
    let parser = dom.parser();
    let mut page = Page {
        refs: Vec::new(),
        ids: Vec::new(),
        titles: Vec::new(),
        h1s: 0,
    };
    // Where each inline SVG is in the text: a <title> inside one names a
    // picture or a line, not the page.
    let pictures: Vec<(usize, usize)> = dom
        .nodes()
        .iter()
        .filter_map(|node| node.as_tag())
        .filter(|tag| tag.name().as_utf8_str().eq_ignore_ascii_case("svg"))
        .map(|tag| tag.boundaries(parser))
        .collect();
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        let tag_name = tag.name().as_utf8_str().to_lowercase();
        let attrs = tag.attributes();
        for attr in ["href", "src", "xlink:href"] {
            if let Some(Some(v)) = attrs.get(attr) {
                page.refs
                    .push((tag_name.clone(), attr.to_string(), decode(&v.as_utf8_str())));
            }
        }
        if let Some(Some(id)) = attrs.get("id") {
            page.ids.push(id.as_utf8_str().into_owned());
        }
        match tag_name.as_str() {
            "title"
                if !pictures
                    .iter()
                    .any(|&(start, end)| (start..end).contains(&tag.boundaries(parser).0)) =>
            {
                page.titles.push(tag.inner_text(parser).into_owned());
            }
            "h1" => page.h1s += 1,
            _ => {}
        }
    }
    page
}

/// Undoes the HTML escapes an attribute value may carry.
fn decode(v: &str) -> String {
    v.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Checks every page of the site at `dir` and returns the pages by path.
fn check_site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let files = site_files(dir);
    let mut pages = 0;
    for (name, bytes) in &files {
        if name.ends_with(".css") {
            let css = String::from_utf8_lossy(bytes);
            assert!(
                !css.contains("url(") && !css.contains("@import"),
                "{name} fetches"
            );
        }
        if name.ends_with(".js") {
            let js = String::from_utf8_lossy(bytes);
            assert!(
                !js.contains("fetch(") && !js.contains("XMLHttpRequest"),
                "{name} fetches"
            );
        }
        if name.ends_with(".svg") || name.ends_with(".xml") {
            let text = std::str::from_utf8(bytes).unwrap();
            let doc = roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{name}: not well-formed XML: {e}"));
            for node in doc.descendants() {
                if let Some(href) = node.attribute("href") {
                    assert!(!href.contains("://"), "{name} links out: {href}");
                    if !name.ends_with(".xml") {
                        let target = resolve(name, href);
                        assert!(files.contains_key(&target), "{name}: {href} is missing");
                    }
                }
            }
        }
        if !name.ends_with(".html") {
            continue;
        }
        pages += 1;
        let page = parse_page(name, bytes);
        assert_eq!(page.titles.len(), 1, "{name}: titles {:?}", page.titles);
        assert!(!page.titles[0].trim().is_empty(), "{name}: empty title");
        assert_eq!(page.h1s, 1, "{name}: h1 count");
        for (tag, attr, value) in &page.refs {
            if value.starts_with("https://") || value.starts_with("http://") {
                assert_eq!(
                    (tag.as_str(), attr.as_str()),
                    ("a", "href"),
                    "{name}: external resource {value}"
                );
                continue;
            }
            assert!(
                !value.contains("://") && !value.starts_with("//"),
                "{name}: {value}"
            );
            assert!(!value.starts_with('/'), "{name}: absolute link {value}");
            let (path, fragment) = value.split_once('#').unwrap_or((value, ""));
            if path.is_empty() {
                assert!(
                    fragment.is_empty() || page.ids.iter().any(|i| i == fragment),
                    "{name}: #{fragment} names no element"
                );
                continue;
            }
            let target = resolve(name, path);
            assert!(
                files.contains_key(&target),
                "{name}: {value} ({target}) is missing"
            );
        }
    }
    assert!(pages > 0);
    files
}

/// Every record file under `data` has its page and its JSON, byte for byte.
fn assert_every_record_has_a_page(data: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let mut records = 0;
    for collection in COLLECTIONS {
        let Ok(entries) = std::fs::read_dir(data.join(collection)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                files.contains_key(&format!("{collection}/{id}.html")),
                "{collection}/{id}"
            );
            assert_eq!(
                files.get(&format!("{collection}/{id}.json")),
                Some(&std::fs::read(&path).unwrap()),
                "{collection}/{id}.json"
            );
            records += 1;
        }
    }
    assert!(records > 0);
}

#[test]
fn the_golden_dataset_gives_a_site_whose_links_all_resolve() {
    let data = dataset_with(None);
    let out = data.path().join("site");
    build(data.path(), &data.path().join("data"), &out);
    let files = check_site(&out);
    assert_every_record_has_a_page(&data.path().join("data"), &files);
    for page in [
        "index.html",
        "network.html",
        "timeline.html",
        "feed.xml",
        "search-index.js",
    ] {
        assert!(files.contains_key(page), "{page}");
    }
}

#[test]
fn the_repository_dataset_gives_a_site_whose_links_all_resolve() {
    let (_tmp, out) = repository_site();
    let files = check_site(&out);
    assert_every_record_has_a_page(&root().join("data"), &files);
}

#[test]
fn every_line_of_the_network_shows_its_roles_and_no_two_roles_cover_each_other() {
    let (_tmp, out) = repository_site();
    let svg = std::fs::read_to_string(out.join("network.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let edges = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("edges"))
        .expect("a group of edges");
    let drawn: Vec<roxmltree::Node> = edges.children().filter(|n| n.is_element()).collect();
    // Each line is followed by its role, or carries it as its title.
    let mut written = Vec::new();
    let mut k = 0;
    while k < drawn.len() {
        let line = drawn[k];
        assert_eq!(line.tag_name().name(), "line", "{svg}");
        if let Some(title) = line.children().find(|c| c.has_tag_name("title")) {
            assert!(!title.text().unwrap_or_default().is_empty());
            k += 1;
            continue;
        }
        let role = drawn.get(k + 1).expect("a role after the line");
        assert_eq!(role.attribute("class"), Some("role"), "{svg}");
        let number = |name: &str| role.attribute(name).unwrap().parse::<f64>().unwrap();
        written.push((
            number("x"),
            number("y"),
            role.text().unwrap().chars().count(),
        ));
        k += 2;
    }
    assert!(written.len() > 20, "{} roles written", written.len());
    // Roles are 10 px high, centred on x, about 5.5 px a character.
    for (a, &(x1, y1, n1)) in written.iter().enumerate() {
        for &(x2, y2, n2) in &written[a + 1..] {
            let apart_x = (x1 - x2).abs() >= 5.5 * (n1 + n2) as f64 / 2.0;
            let apart_y = (y1 - y2).abs() >= 10.0;
            assert!(
                apart_x || apart_y,
                "roles at ({x1}, {y1}) and ({x2}, {y2}) overlap"
            );
        }
    }
}

#[test]
fn two_runs_give_identical_bytes_and_a_rerun_replaces_the_site() {
    let data = dataset_with(None);
    let (a, b) = (data.path().join("a"), data.path().join("b"));
    build(data.path(), &data.path().join("data"), &a);
    build(data.path(), &data.path().join("data"), &b);
    let first = site_files(&a);
    assert_eq!(first, site_files(&b));
    // Building again into a previous site replaces it, leaving nothing beside it.
    build(data.path(), &data.path().join("data"), &a);
    assert_eq!(first, site_files(&a));
    let mut names: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b", "data"]);
}

#[test]
fn a_record_page_shows_fields_sources_and_who_references_it() {
    let (_tmp, out) = repository_site();
    let page = std::fs::read_to_string(out.join("organizations/china-telecom.html")).unwrap();
    // A reference shows its target's name; a quote is verbatim; dates read as words.
    assert!(
        page.contains("<h1>China Telecom Group Co., Ltd.</h1>"),
        "{page}"
    );
    assert!(page.contains("<blockquote>"), "no quotes");
    assert!(
        page.contains(
            "<dd>China Telecom <span class=\"evidence\">quoted in <a href=\"#cite-1\">[1]</a>"
        ),
        "{page}"
    );
    assert!(page.contains("<h2 id=\"refby-h\">Referenced by</h2>"));
    assert!(
        page.contains(
            "<h3>partnerships <span class=\"field\">(parties › organization)</span></h3>"
        )
    );
    assert!(page.contains("<svg class=\"network\""), "no neighbourhood");
    assert!(page.contains("<a href=\"china-telecom.json\">"));
    let timeline = std::fs::read_to_string(out.join("timeline.html")).unwrap();
    assert!(timeline.contains("<time datetime=\"2025-04-09\">9 April 2025</time>"));
}

#[test]
fn records_link_to_their_repository_file_when_the_address_is_known() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    sandbox.git(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            "git@github.com:example/techpact.git",
        ],
    );
    let head = sandbox
        .git(&repo, &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    let run = sandbox.techpact(&repo, &["site", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = site_files(&repo.join("site"));
    let (name, page) = pages
        .iter()
        .find(|(n, _)| {
            n.starts_with("organizations/") && n.ends_with(".html") && !n.ends_with("index.html")
        })
        .unwrap();
    let id = name
        .trim_start_matches("organizations/")
        .trim_end_matches(".html");
    let expected =
        format!("https://github.com/example/techpact/blob/{head}/data/organizations/{id}.json");
    assert!(
        String::from_utf8_lossy(page).contains(&expected),
        "{expected}"
    );
    // An explicit address wins; without any, no link is made.
    let run = sandbox.techpact(
        &repo,
        &[
            "site",
            "--out",
            "site",
            "--repository",
            "https://example.org/x/y/",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(repo.join("site").join(name)).unwrap();
    assert!(page.contains(&format!(
        "https://example.org/x/y/blob/{head}/data/organizations/{id}.json"
    )));
    sandbox.git(&repo, &["remote", "remove", "origin"]);
    let run = sandbox.techpact(&repo, &["site", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(repo.join("site").join(name)).unwrap();
    assert!(!page.contains("in the repository"), "{page}");
}

#[test]
fn the_feed_lists_what_each_release_changed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("r");
    sandbox.git(&repo, &["tag", "v1.0.0"]);
    let org = std::fs::read_dir(repo.join("data/organizations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let text = std::fs::read_to_string(&org).unwrap();
    let id = org.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::write(
        &org,
        text.replacen("\"kind\": \"", "\"note\": \"Renamed.\",\n  \"kind\": \"", 1),
    )
    .unwrap();
    let run = sandbox.techpact(&repo, &["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    sandbox.commit_all(&repo, "Change one record");
    sandbox.git(&repo, &["tag", "v1.1.0"]);
    let run = sandbox.techpact(&repo, &["site", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feed = std::fs::read_to_string(repo.join("site/feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2, "{feed}");
    let newest = entries[0]
        .descendants()
        .find(|n| n.has_tag_name("content"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        newest.contains(&format!("changed <a href=\"organizations/{id}.html\">")),
        "{newest}"
    );
    assert!(newest.contains("/note"), "{newest}");
    assert!(
        feed.contains("<updated>2025-04-09T08:30:00Z</updated>"),
        "{feed}"
    );
}

#[test]
fn a_refused_site_shows_each_finding_at_its_line() {
    let data = dataset_with(Some("schema-violation"));
    let out = data.path().join("site");
    let run = techpact(data.path(), &["site", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for shown in [
        " --> data/organizations/bad-org.json:3:11",
        "3 |   \"kind\": \"universty\",",
        " --> data/organizations/bad-org.json:4:14",
        "4 |   \"founded\": 2020,",
    ] {
        assert!(run.stdout.contains(shown), "{shown}\n{}", run.stdout);
    }
    assert!(!out.exists());
}

#[test]
fn a_dataset_with_errors_gets_no_site() {
    let data = dataset_with(Some("schema-violation"));
    let out = data.path().join("site");
    let run = techpact(
        data.path(),
        &["site", "--out", out.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.findings()
            .iter()
            .any(|f| f["code"] == "schema/violation")
    );
    assert!(run.stderr.contains("no site written"), "{}", run.stderr);
    assert!(!out.exists());
    let leftovers: Vec<PathBuf> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "data")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_folder_that_is_not_a_site_is_never_replaced() {
    let data = dataset_with(None);
    let out = data.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let run = techpact(data.path(), &["site", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a techpact site"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn the_site_builds_from_a_copy_outside_any_repository() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("golden/data"), &tmp.path().join("data"));
    build(
        tmp.path(),
        &tmp.path().join("data"),
        &tmp.path().join("site"),
    );
    let feed = std::fs::read_to_string(tmp.path().join("site/feed.xml")).unwrap();
    assert!(
        feed.contains("<updated>1970-01-01T00:00:00Z</updated>"),
        "{feed}"
    );
}

#[test]
fn each_value_shows_exactly_the_evidence_the_provenance_rule_finds() {
    let data = dataset_with(None);
    let path = data.path().join("data/organizations/example-telecom.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // The quote holds the kind and the field, but the rule lets an explicit
    // claim win over a quote: `supports` decides the kind (a citation wins
    // the tie with the inference), the inference decides the field.
    record["sources"][0]["quote"] = serde_json::json!(
        "Example Telecom, a company in telecommunications, and Example University today signed"
    );
    record["sources"][0]["supports"] = serde_json::json!(["/kind"]);
    std::fs::write(&path, serde_json::to_string_pretty(&record).unwrap()).unwrap();
    let out = data.path().join("site");
    build(data.path(), &data.path().join("data"), &out);
    let page = std::fs::read_to_string(out.join("organizations/example-telecom.html")).unwrap();
    let shown = |value: &str| {
        let start = page
            .find(&format!("<dd>{value} "))
            .unwrap_or_else(|| panic!("no value {value} in {page}"));
        let end = start + page[start..].find("</dd>").unwrap();
        page[start..end].to_string()
    };
    let inferred = "<span class=\"evidence\">inferred: a test value; no source states it</span>";
    assert_eq!(
        shown("company"),
        "<dd>company <span class=\"evidence\">stated by <a href=\"#cite-1\">[1]</a></span>"
    );
    assert_eq!(
        shown("telecommunications"),
        format!("<dd>telecommunications {inferred}")
    );
    // The same levels `show` reads from the rule.
    let run = techpact(
        data.path(),
        &["show", "organizations/example-telecom", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown_json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let levels: BTreeMap<String, String> = shown_json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["pointer"].as_str().unwrap().to_string(),
                s["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(levels["/kind"], "cited");
    assert_eq!(levels["/fields/0"], "inferred");
    assert_eq!(page.matches("quoted in").count(), 0, "{page}");
    assert!(page.contains("<li id=\"cite-1\">"));
    // A source's values are its own description of itself.
    let source = std::fs::read_to_string(out.join("sources/example-press-release.html")).unwrap();
    assert!(
        source.contains("<span class=\"evidence\">as the source describes itself</span>"),
        "{source}"
    );
}

#[test]
fn a_group_shows_a_reason_its_values_share_once() {
    let data = dataset_with(None);
    let path = data.path().join("data/organizations/example-telecom.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let reason = "the same reason for both values of the reading";
    record["readings"] = serde_json::json!([{
        "as_written": "Example Telecom",
        "issue": "ambiguous",
        "likely": "Example University",
        "means": {"organization": "example-university"}
    }]);
    record["sources"][0]["supports"] = serde_json::json!(["/readings/0/as_written"]);
    let inferred = record["inferred"].as_array_mut().unwrap();
    for pointer in [
        "/readings/0/issue",
        "/readings/0/likely",
        "/readings/0/means",
    ] {
        inferred.push(serde_json::json!({"pointer": pointer, "reason": reason}));
    }
    std::fs::write(&path, serde_json::to_string_pretty(&record).unwrap()).unwrap();
    let out = data.path().join("site");
    build(data.path(), &data.path().join("data"), &out);
    let page = std::fs::read_to_string(out.join("organizations/example-telecom.html")).unwrap();
    assert_eq!(page.matches(reason).count(), 1, "{page}");
}
