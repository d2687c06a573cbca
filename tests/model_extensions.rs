//! The record kinds and fields a consumer joins on: products, event series,
//! a partnership with a place as a party, a claim's claimant, a person's
//! family and given names and the forms the sources use, a role dated by its
//! source, an organization's parent, a source's publisher and distributor,
//! readings that link a source's slip in an organization's name, a
//! partnership's party or a product's label to what it most likely means,
//! and a signing known only as "on or before" a date. The fixture
//! `model-extensions` overlays the golden dataset with one record of each; it
//! checks clean, `refs` and `stats` see the new collections, and the SQLite
//! export answers the questions they exist for.

use crate::common;

use common::{copy_tree, fixture, techpact};

/// The golden dataset with the `model-extensions` overlay, in a scratch folder.
fn dataset() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("golden/data"), &dir.path().join("data"));
    copy_tree(&fixture("model-extensions/data"), &dir.path().join("data"));
    dir
}

/// The SQLite export of `dir`'s dataset, opened.
fn sqlite(dir: &tempfile::TempDir) -> rusqlite::Connection {
    let db = dir.path().join("out.sqlite");
    let run = techpact(
        dir.path(),
        &[
            "export",
            "--data",
            "data",
            "--format",
            "sqlite",
            "--out",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    rusqlite::Connection::open(&db).unwrap()
}

#[test]
fn the_overlay_checks_clean() {
    let dir = dataset();
    let run = techpact(
        dir.path(),
        &[
            "check",
            "--data",
            "data",
            "--deny-warnings",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["summary"]["records"], 17);
}

#[test]
fn a_series_is_referenced_by_its_editions() {
    let dir = dataset();
    let run = techpact(
        dir.path(),
        &["refs", "series/example-conference", "--data", "data"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("events/example-conference-2024  /series"),
        "{}",
        run.stdout
    );
}

#[test]
fn stats_count_products_and_series() {
    let dir = dataset();
    let run = techpact(dir.path(), &["stats", "--data", "data", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats = run.json();
    let counts = &stats["records"];
    assert_eq!(counts["products"], 2, "{stats}");
    assert_eq!(counts["series"], 1, "{stats}");
}

#[test]
fn sqlite_answers_who_partners_with_whom_including_places() {
    let dir = dataset();
    let connection = sqlite(&dir);
    let rows: Vec<(String, String)> = connection
        .prepare(
            "SELECT p.partnership_id, coalesce(o.organization_id, o.place_id)
             FROM partnerships_parties p
             JOIN partnerships_parties o
               ON o.partnership_id = p.partnership_id AND o.position <> p.position
             WHERE p.organization_id = 'example-telecom'
             ORDER BY 1, 2",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                "example-agreement".to_string(),
                "example-university".to_string()
            ),
            (
                "example-telecom-cityville-cooperation".to_string(),
                "cityville".to_string()
            ),
        ]
    );
    let (claimant, owner, distributor, publisher, family): (
        String,
        String,
        String,
        String,
        String,
    ) = connection
        .query_row(
            "SELECT (SELECT claimant_organization_id FROM facts
                         WHERE id = 'example-secure-call-leading-claim'),
                        (SELECT owner_id FROM products_owners
                         WHERE product_id = 'example-secure-call'),
                        (SELECT distributor_id FROM sources WHERE id = 'example-press-release'),
                        (SELECT publisher_id FROM sources WHERE id = 'example-press-release'),
                        (SELECT family_name FROM people WHERE id = 'jane-doe')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (
            claimant.as_str(),
            owner.as_str(),
            distributor.as_str(),
            publisher.as_str(),
            family.as_str()
        ),
        (
            "example-telecom",
            "example-telecom",
            "example-wire",
            "example-telecom",
            "Doe"
        )
    );
    let series: (String, i64) = connection
        .query_row(
            "SELECT series_id, edition FROM events WHERE id = 'example-conference-2024'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(series, ("example-conference".to_string(), 1));
}

#[test]
fn sqlite_holds_names_aliases_dated_roles_and_parents() {
    let dir = dataset();
    let connection = sqlite(&dir);
    let person: (String, String, String, String) = connection
        .query_row(
            "SELECT p.given_name, p.family_name, a.alias, r.as_of
             FROM people p
             JOIN people_aliases a ON a.person_id = p.id
             JOIN people_roles r ON r.person_id = p.id
             WHERE p.id = 'jane-doe'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        person,
        (
            "Jane".to_string(),
            "Doe".to_string(),
            "Ms. Doe".to_string(),
            "2024-03".to_string()
        )
    );
    let parent: String = connection
        .query_row(
            "SELECT parent_id FROM organizations WHERE id = 'example-spinoff'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(parent, "example-telecom");
}

/// Asserts that `refs` lists `reader`'s first reading among what references
/// `target`, and returns that reading from the SQLite export: `as_written`,
/// `issue`, `likely` and the id it means, for a reader in `collection`
/// (`organizations`, `partnerships` or `products`) whose reading means a
/// record of the form `means` (`organization`, `place`, `product`).
fn first_reading(
    dir: &tempfile::TempDir,
    collection: &str,
    reader: &str,
    target: &str,
    means: &str,
) -> [String; 4] {
    let refs = techpact(dir.path(), &["refs", target, "--data", "data"]);
    assert_eq!(refs.code, 0, "{}", refs.stderr);
    let referrer = format!("{collection}/{reader} ");
    let pointer = format!("/readings/0/means/{means}");
    assert!(
        refs.stdout
            .lines()
            .any(|l| l.trim_start().starts_with(&referrer) && l.ends_with(&pointer)),
        "{}",
        refs.stdout
    );
    let key = collection.trim_end_matches('s');
    sqlite(dir)
        .query_row(
            &format!(
                "SELECT as_written, issue, likely, means_{means}_id
                 FROM {collection}_readings WHERE {key}_id = ?1"
            ),
            [reader],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .unwrap()
}

#[test]
fn a_reading_links_a_slip_to_the_record_it_most_likely_means() {
    let dir = dataset();
    let reading = first_reading(
        &dir,
        "organizations",
        "example-spinoff",
        "organizations/example-university",
        "organization",
    );
    assert_eq!(
        reading,
        [
            "EU",
            "translation-slip",
            "Example University",
            "example-university"
        ]
    );
}

#[test]
fn a_partnership_keeps_its_signing_dates_and_a_reading_of_its_party() {
    let dir = dataset();
    let reading = first_reading(
        &dir,
        "partnerships",
        "example-telecom-cityville-cooperation",
        "places/cityville",
        "place",
    );
    assert_eq!(
        reading,
        ["Cityvile", "translation-slip", "Cityville", "cityville"]
    );
    let signed: (String, String) = sqlite(&dir)
        .query_row(
            "SELECT signed, signed_on_or_before FROM partnerships
             WHERE id = 'example-telecom-cityville-cooperation'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(signed, ("2024-03".to_string(), "2024-03-03".to_string()));
}

#[test]
fn a_reading_links_a_garbled_product_label_to_the_product_it_most_likely_means() {
    let dir = dataset();
    let reading = first_reading(
        &dir,
        "products",
        "example-secure-cal",
        "products/example-secure-call",
        "product",
    );
    assert_eq!(
        reading,
        [
            "Secure Cal",
            "garbled",
            "Secure Call",
            "example-secure-call"
        ]
    );
}

#[test]
fn a_reading_must_name_a_record_that_exists() {
    let dir = dataset();
    let path = dir.path().join("data/organizations/example-spinoff.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "\"organization\": \"example-university\"",
            "\"organization\": \"no-such-university\"",
        ),
    )
    .unwrap();
    let run = techpact(dir.path(), &["check", "--data", "data", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let findings = run.json()["findings"].as_array().unwrap().clone();
    let dangling: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "ref/dangling")
        .collect();
    assert_eq!(dangling.len(), 1, "{findings:?}");
    assert_eq!(
        dangling[0]["file"],
        "data/organizations/example-spinoff.json"
    );
    assert_eq!(dangling[0]["pointer"], "/readings/0/means/organization");
    assert_eq!(dangling[0]["line"], 12);
}
