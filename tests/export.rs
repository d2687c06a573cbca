//! `techpact export`: each format read back by an independent reader (serde
//! for JSON Lines, the csv crate for CSV, rusqlite for SQLite), row counts
//! against record counts, keys and foreign keys, determinism, and refusals.

use crate::common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{COLLECTIONS, fixture, techpact};
use serde_json::Value;

/// The records of the valid fixture by collection, each by id, read as plain JSON.
fn fixture_records() -> BTreeMap<String, BTreeMap<String, Value>> {
    let data = fixture("tooling-valid").join("data");
    let mut out = BTreeMap::new();
    for collection in COLLECTIONS {
        let mut records = BTreeMap::new();
        for entry in fs::read_dir(data.join(collection)).into_iter().flatten() {
            let path = entry.unwrap().path();
            let value: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            records.insert(value["id"].as_str().unwrap().to_string(), value);
        }
        out.insert(collection.to_string(), records);
    }
    out
}

/// `techpact export --data DATA --format TO --out OUT`, run in `cwd`.
fn run_export(cwd: &Path, data: &Path, to: &str, out: &Path) -> common::Run {
    techpact(
        cwd,
        &[
            "export",
            "--data",
            data.to_str().unwrap(),
            "--format",
            to,
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

/// Runs an export of the valid fixture into `out`.
fn export(to: &str, out: &Path) {
    let data = fixture("tooling-valid").join("data");
    let run = run_export(Path::new("."), &data, to, out);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("exported 24 records to "),
        "{}",
        run.stdout
    );
}

/// The stamp of an export of the fixture: the commit checked out, its time,
/// the program and the data's licence.
fn assert_stamp(stamp: &Value) {
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(common::root())
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert_eq!(stamp["commit"], head.trim(), "{stamp}");
    assert!(stamp["created"].as_str().unwrap().ends_with('Z'), "{stamp}");
    assert_eq!(
        stamp["generator"],
        format!("techpact {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(stamp["license"], "CC0-1.0");
}

/// Every regular file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (PathBuf::from(p.file_name().unwrap()), fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn jsonl_holds_every_record_once_in_order_and_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("techpact.jsonl");
    export("jsonl", &out);
    let text = fs::read_to_string(&out).unwrap();
    let expected = fixture_records();
    let mut all: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The header line says where the export comes from.
    let header = all.remove(0);
    assert_stamp(&header["techpact"]);
    // Records first, then one statement per value.
    let split = all
        .iter()
        .position(|l| l.get("statement").is_some())
        .unwrap();
    let (lines, statements) = all.split_at(split);
    assert_eq!(
        lines.len(),
        expected.values().map(BTreeMap::len).sum::<usize>()
    );
    for s in statements {
        let s = &s["statement"];
        let record = &expected[s["collection"].as_str().unwrap()][s["record"].as_str().unwrap()];
        assert_eq!(
            record.pointer(s["pointer"].as_str().unwrap()),
            Some(&s["value"]),
            "{s}"
        );
        assert!(
            ["quoted", "cited", "inferred", "self"].contains(&s["level"].as_str().unwrap()),
            "{s}"
        );
    }
    assert!(statements.len() > lines.len());
    let mut order = Vec::new();
    for line in lines {
        let collection = line["collection"].as_str().unwrap();
        let id = line["record"]["id"].as_str().unwrap();
        assert_eq!(
            line["record"], expected[collection][id],
            "{collection}/{id}"
        );
        assert_eq!(line.as_object().unwrap().len(), 2);
        order.push((
            COLLECTIONS.iter().position(|c| *c == collection).unwrap(),
            id.to_string(),
        ));
    }
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "collection order, then id");
    for collection in COLLECTIONS {
        let n = lines
            .iter()
            .filter(|l| l["collection"] == collection)
            .count();
        assert_eq!(n, expected[collection].len(), "{collection}");
    }
    let again = tmp.path().join("again.jsonl");
    export("jsonl", &again);
    assert_eq!(
        fs::read(&out).unwrap(),
        fs::read(&again).unwrap(),
        "the same data gives the same bytes"
    );
}

/// A CSV file read with the csv crate: header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn datapackage_follows_v2_with_licence_stamp_descriptions_and_constraints() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("csv");
    export("csv", &out);
    let package: Value =
        serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(
        package["$schema"],
        "https://datapackage.org/profiles/2.0/datapackage.json"
    );
    assert_eq!(package["licenses"][0]["name"], "CC0-1.0");
    assert!(package["description"].as_str().unwrap().contains("Quotes"));
    let mut stamp = package["techpact"].clone();
    stamp["created"] = package["created"].clone();
    stamp["license"] = package["licenses"][0]["name"].clone();
    assert_stamp(&stamp);
    let mut constrained = BTreeMap::new();
    for resource in package["resources"].as_array().unwrap() {
        assert_eq!(resource["type"], "table", "{}", resource["name"]);
        assert!(resource.get("profile").is_none(), "v1's profile is gone");
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let at = format!(
                "{}.{}",
                resource["name"].as_str().unwrap(),
                field["name"].as_str().unwrap()
            );
            let description = field["description"].as_str().unwrap_or_default();
            assert!(!description.trim().is_empty(), "{at} has no description");
            constrained.insert(at, field["constraints"].clone());
        }
    }
    // The JSON Schema's constraints reach the table schema.
    assert_eq!(constrained["organizations.id"]["minLength"], 1);
    assert_eq!(
        constrained["organizations.founded"]["pattern"],
        "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
    );
    assert_eq!(
        constrained["organizations_founders.founder_id"]["maxLength"],
        80
    );
    assert_eq!(constrained["organizations.name"]["maxLength"], 300);
    assert_eq!(constrained["events.edition"]["minimum"], 1);
    assert_eq!(constrained["events.edition"]["maximum"], 4_294_967_295u64);
    assert_eq!(constrained["labs_hosts.position"]["minimum"], 1);
}

#[test]
fn csv_tables_match_the_records_and_their_keys_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("csv");
    export("csv", &out);
    let expected = fixture_records();
    let package: Value =
        serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap()).unwrap();
    let resources = package["resources"].as_array().unwrap();
    let mut tables: HashMap<String, (Vec<String>, Vec<Vec<String>>)> = HashMap::new();
    for resource in resources {
        let name = resource["name"].as_str().unwrap();
        let path = out.join(resource["path"].as_str().unwrap());
        let (header, rows) = read_csv(&path);
        let fields: Vec<&str> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields, "{name}: header and descriptor agree");
        tables.insert(name.to_string(), (header, rows));
    }
    assert_eq!(
        files(&out).len(),
        resources.len() + 1,
        "one CSV per resource, and the descriptor"
    );
    // One row per record in each collection's table, with the record's values.
    for collection in COLLECTIONS {
        let (header, rows) = &tables[&collection.replace('-', "_")];
        assert_eq!(rows.len(), expected[collection].len(), "{collection}");
        let name_column = header
            .iter()
            .position(|h| h == "name" || h == "title" || h == "statement")
            .unwrap();
        for row in rows {
            let record = &expected[collection][&row[0]];
            let field = &header[name_column];
            assert_eq!(
                record[field],
                row[name_column].as_str(),
                "{collection}/{}",
                row[0]
            );
        }
    }
    // Link and child tables: one row per item.
    let items = |collection: &str, field: &str| -> usize {
        expected[collection]
            .values()
            .map(|r| r.get(field).and_then(Value::as_array).map_or(0, Vec::len))
            .sum()
    };
    for (table, collection, field) in [
        ("partnerships_parties", "partnerships", "parties"),
        ("partnerships_signatories", "partnerships", "signatories"),
        ("partnerships_witnesses", "partnerships", "witnesses"),
        ("people_roles", "people", "roles"),
        ("facts_subjects", "facts", "subjects"),
        ("labs_hosts", "labs", "hosts"),
        ("sources_credits", "sources", "credits"),
        ("organizations_sources", "organizations", "sources"),
        ("facts_sources", "facts", "sources"),
    ] {
        assert_eq!(tables[table].1.len(), items(collection, field), "{table}");
        assert!(
            !tables[table].1.is_empty(),
            "{table} is exercised by the fixture"
        );
    }
    // Columns keep the type's field order, nested objects where they sit.
    assert_eq!(
        tables["organizations"].0[..11],
        [
            "id",
            "name",
            "kind",
            "parent_id",
            "founded",
            "dissolved",
            "location_id",
            "identifiers_ror",
            "identifiers_wikidata",
            "identifiers_website",
            "note"
        ]
    );
    assert_eq!(
        tables["people_roles"].0,
        [
            "person_id",
            "position",
            "organization_id",
            "title",
            "leads",
            "start",
            "end",
            "as_of"
        ]
    );
    assert_eq!(
        tables["partnerships_parties"].0,
        ["partnership_id", "position", "organization_id", "place_id"]
    );
    assert_eq!(tables["partnerships_offers_benefits"].1.len(), 2);
    // Primary keys are unique and every foreign key names an existing row.
    for resource in resources {
        let name = resource["name"].as_str().unwrap();
        let (header, rows) = &tables[name];
        let index =
            |h: &[String], n: &Value| h.iter().position(|c| c == n.as_str().unwrap()).unwrap();
        let key: Vec<usize> = resource["schema"]["primaryKey"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| index(header, k))
            .collect();
        let unique: HashSet<Vec<&String>> = rows
            .iter()
            .map(|r| key.iter().map(|i| &r[*i]).collect())
            .collect();
        assert_eq!(unique.len(), rows.len(), "{name}: primary key is unique");
        for fk in resource["schema"]["foreignKeys"].as_array().unwrap() {
            let target = fk["reference"]["resource"].as_str().unwrap();
            let (target_header, target_rows) = &tables[target];
            let from: Vec<usize> = fk["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| index(header, f))
                .collect();
            let to: Vec<usize> = fk["reference"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| index(target_header, f))
                .collect();
            let known: HashSet<Vec<&String>> = target_rows
                .iter()
                .map(|r| to.iter().map(|i| &r[*i]).collect())
                .collect();
            for row in rows {
                let value: Vec<&String> = from.iter().map(|i| &row[*i]).collect();
                if value.iter().all(|v| v.is_empty()) {
                    continue;
                }
                assert!(known.contains(&value), "{name}: {value:?} not in {target}");
            }
        }
    }
    let again = tmp.path().join("again");
    export("csv", &again);
    assert_eq!(
        files(&out),
        files(&again),
        "the same data gives the same bytes"
    );
}

#[test]
fn frictionless_validates_the_csv_package() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture_out = tmp.path().join("fixture");
    export("csv", &fixture_out);
    // The real data too, as CI sees it.
    let real_out = tmp.path().join("real");
    let run = techpact(
        &common::root(),
        &[
            "export",
            "--format",
            "csv",
            "--out",
            real_out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for out in [fixture_out, real_out] {
        let run = common::peer_command("frictionless")
            .arg("validate")
            .arg(out.join("datapackage.json"))
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_has_the_same_tables_with_keys_that_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("techpact.sqlite");
    export("sqlite", &db);
    let csv_dir = tmp.path().join("csv");
    export("csv", &csv_dir);
    let expected = fixture_records();
    let connection = rusqlite::Connection::open(&db).unwrap();
    let names: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut csv_names: Vec<String> = files(&csv_dir)
        .keys()
        .filter_map(|p| p.to_str().unwrap().strip_suffix(".csv").map(str::to_string))
        .collect();
    csv_names.sort();
    // Besides the tables, `metadata` stamps the export, and `user_version` its layout.
    let stamp: serde_json::Map<String, Value> = connection
        .prepare("SELECT key, value FROM metadata")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, Value::String(row.get(1)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_stamp(&Value::Object(stamp));
    let layout: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(layout, 1);
    let names: Vec<String> = names.into_iter().filter(|n| n != "metadata").collect();
    assert_eq!(names, csv_names, "the same tables as the CSV export");
    for name in &names {
        let count: i64 = connection
            .query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |row| {
                row.get(0)
            })
            .unwrap();
        let (_, rows) = read_csv(&csv_dir.join(format!("{name}.csv")));
        assert_eq!(count as usize, rows.len(), "{name}");
    }
    for collection in COLLECTIONS {
        let count: i64 = connection
            .query_row(
                &format!("SELECT count(*) FROM \"{}\"", collection.replace('-', "_")),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count as usize, expected[collection].len(), "{collection}");
    }
    let violations: usize = connection
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(violations, 0);
    let foreign_keys: i64 = connection
        .query_row(
            "SELECT count(*) FROM pragma_foreign_key_list('partnerships_parties')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        foreign_keys, 3,
        "to partnerships, to organizations and to places"
    );
    let indexes: Vec<String> = connection
        .prepare(
            "SELECT name FROM pragma_index_list('partnerships_parties') WHERE origin = 'c' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        indexes,
        [
            "partnerships_parties_organization_id",
            "partnerships_parties_place_id"
        ]
    );
    let (leads, number): (i64, i64) = connection
        .query_row(
            "SELECT (SELECT leads FROM people_roles WHERE person_id = 'nancy-ip'),
                    (SELECT value_number FROM facts WHERE id = 'quantum-voice-users')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((leads, number), (1, 500_000));
    // The sqlite3 shell agrees, when it is installed.
    if let Ok(shell) = Command::new("sqlite3")
        .arg(&db)
        .arg("PRAGMA foreign_key_check")
        .output()
    {
        assert!(shell.status.success());
        assert_eq!(String::from_utf8_lossy(&shell.stdout), "");
    }
    // Exporting again replaces the file.
    export("sqlite", &db);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".techpact-") || name.ends_with("-journal"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Exports the fixture `name` in every format and asserts each export is
/// refused with a human finding `code` at `file`:`line`:`column`, `pointer`,
/// and that nothing is written.
fn assert_refused(name: &str, code: &str, file: &str, (line, column): (u32, u32), pointer: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let data = fixture(name).join("data");
    for to in ["jsonl", "csv", "sqlite"] {
        let out = tmp.path().join(format!("out-{to}"));
        let run = run_export(tmp.path(), &data, to, &out);
        assert_eq!(run.code, 1, "{to}: {}{}", run.stdout, run.stderr);
        assert_human_finding(&run.stdout, code, file, line, column, pointer);
        assert!(!out.exists(), "{to}: nothing written");
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn export_refuses_a_dataset_with_errors_and_writes_nothing() {
    assert_refused(
        "tooling-broken",
        "schema/violation",
        "organizations/hkust.json",
        (1, 1),
        "",
    );
}

#[test]
fn export_refuses_dangling_references() {
    assert_refused(
        "tooling-dangling",
        "ref/dangling",
        "labs/quantum-lab.json",
        (6, 5),
        "/hosts/1",
    );
}

#[test]
fn export_refuses_unusable_output_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let data = fixture("tooling-valid").join("data");
    let missing = run_export(tmp.path(), &data, "jsonl", Path::new("no/such/dir/x.jsonl"));
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("the folder `no/such/dir` does not exist"),
        "{}",
        missing.stderr
    );
    fs::write(tmp.path().join("file"), "").unwrap();
    let csv_on_file = run_export(tmp.path(), &data, "csv", Path::new("file"));
    assert_eq!(csv_on_file.code, 2);
    assert!(
        csv_on_file.stderr.contains("is a file"),
        "{}",
        csv_on_file.stderr
    );
    let unknown = run_export(tmp.path(), &data, "xml", Path::new("x"));
    assert_eq!(unknown.code, 2);
    fs::create_dir(tmp.path().join("folder")).unwrap();
    let jsonl_on_folder = run_export(tmp.path(), &data, "jsonl", Path::new("folder"));
    assert_eq!(jsonl_on_folder.code, 2);
    assert!(
        jsonl_on_folder
            .stderr
            .contains("`folder` is a folder; the JSONL export writes one file"),
        "{}",
        jsonl_on_folder.stderr
    );
    let csv_to_stdout = run_export(tmp.path(), &data, "csv", Path::new("-"));
    assert_eq!(csv_to_stdout.code, 2);
    assert!(
        csv_to_stdout.stderr.contains("only `--format jsonl`"),
        "{}",
        csv_to_stdout.stderr
    );
    assert!(!tmp.path().join("-").exists());
}

#[test]
fn jsonl_goes_to_standard_output_for_a_dash() {
    let tmp = tempfile::tempdir().unwrap();
    let data = fixture("tooling-valid").join("data");
    let file = tmp.path().join("techpact.jsonl");
    export("jsonl", &file);
    let piped = run_export(tmp.path(), &data, "jsonl", Path::new("-"));
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stdout, fs::read_to_string(&file).unwrap());
    assert!(!tmp.path().join("-").exists(), "no file named `-`");
}

/// Asserts that a human report names `code` at `file`:`line`:`column`, at `pointer`.
fn assert_human_finding(out: &str, code: &str, file: &str, line: u32, column: u32, pointer: &str) {
    assert!(out.contains(&format!("[{code}]")), "{code} missing:\n{out}");
    assert!(
        out.contains(&format!("{file}:{line}:{column}\n")),
        "{file}:{line}:{column} missing:\n{out}"
    );
    if !pointer.is_empty() {
        assert!(
            out.contains(&format!("at {pointer}")),
            "{pointer} missing:\n{out}"
        );
    }
}

#[test]
fn every_format_carries_the_statements_table_with_its_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let csv_dir = tmp.path().join("csv");
    export("csv", &csv_dir);
    let package: Value =
        serde_json::from_str(&fs::read_to_string(csv_dir.join("datapackage.json")).unwrap())
            .unwrap();
    let statements = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "statements")
        .unwrap();
    assert_eq!(
        statements["schema"]["primaryKey"],
        serde_json::json!(["collection", "record_id", "pointer"])
    );
    assert_eq!(
        statements["schema"]["foreignKeys"],
        serde_json::json!([{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["id"]}}])
    );
    let (header, rows) = read_csv(&csv_dir.join("statements.csv"));
    assert_eq!(
        header,
        [
            "collection",
            "record_id",
            "pointer",
            "value",
            "level",
            "source_id",
            "quote",
            "reason"
        ]
    );
    // The valid fixture's hkust: its name is quoted by the press release.
    let name = rows
        .iter()
        .find(|r| r[0] == "organizations" && r[1] == "hkust" && r[2] == "/name")
        .unwrap();
    assert_eq!(name[4], "quoted");
    assert_eq!(name[5], "prnewswire-china-telecom-hkust-2025-04-09");
    assert!(!name[6].is_empty());
    let inferred = rows.iter().find(|r| r[4] == "inferred").unwrap();
    assert!(
        inferred[5].is_empty() && !inferred[7].is_empty(),
        "{inferred:?}"
    );

    let db = tmp.path().join("techpact.sqlite");
    export("sqlite", &db);
    let connection = rusqlite::Connection::open(&db).unwrap();
    let count: i64 = connection
        .query_row("SELECT count(*) FROM statements", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count as usize, rows.len());
    // The source of every quoted or cited value is a row of `sources`.
    let joined: i64 = connection
        .query_row(
            "SELECT count(*) FROM statements s JOIN sources o ON o.id = s.source_id WHERE s.level IN ('quoted', 'cited')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let backed = rows
        .iter()
        .filter(|r| r[4] == "quoted" || r[4] == "cited")
        .count();
    assert_eq!(joined as usize, backed);
    let fk: i64 = connection
        .query_row(
            "SELECT count(*) FROM pragma_foreign_key_list('statements') WHERE \"table\" = 'sources'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn withdrawn_records_carry_their_withdrawal_and_every_format_has_the_redirects_table() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::copy_tree(&fixture("tooling-valid").join("data"), &data);
    // A chain: hkust-older → hkust-old → hkust, and a record nothing replaces.
    let tombstone = |id: &str, successor: Option<&str>| {
        let mut withdrawn = serde_json::json!({"date": "2026-01-10", "reason": "renamed"});
        if let Some(s) = successor {
            withdrawn["successor"] = s.into();
        }
        serde_json::json!({
            "id": id,
            "name": "The Hong Kong University of Science and Technology",
            "withdrawn": withdrawn,
            "sources": [{"source": "prnewswire-china-telecom-hkust-2025-04-09", "supports": ["/name"]}],
        })
    };
    for (id, successor) in [
        ("hkust-old", Some("hkust")),
        ("hkust-older", Some("hkust-old")),
        ("hkust-gone", None),
    ] {
        fs::write(
            data.join("organizations").join(format!("{id}.json")),
            serde_json::to_string_pretty(&tombstone(id, successor)).unwrap() + "\n",
        )
        .unwrap();
    }
    let expected = vec![
        vec!["organizations", "hkust-gone", "", "2026-01-10", "renamed"],
        vec![
            "organizations",
            "hkust-old",
            "hkust",
            "2026-01-10",
            "renamed",
        ],
        vec![
            "organizations",
            "hkust-older",
            "hkust",
            "2026-01-10",
            "renamed",
        ],
    ];

    let csv_dir = tmp.path().join("csv");
    let run = run_export(tmp.path(), &data, "csv", &csv_dir);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (header, mut rows) = read_csv(&csv_dir.join("redirects.csv"));
    assert_eq!(
        header,
        ["collection", "id", "successor_id", "date", "reason"]
    );
    rows.sort();
    assert_eq!(rows, expected);
    let package: Value =
        serde_json::from_str(&fs::read_to_string(csv_dir.join("datapackage.json")).unwrap())
            .unwrap();
    let resource = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "redirects")
        .expect("datapackage.json describes the redirects table");
    assert_eq!(
        resource["schema"]["primaryKey"],
        serde_json::json!(["collection", "id"])
    );
    // The main table carries each record's withdrawal.
    let (header, rows) = read_csv(&csv_dir.join("organizations.csv"));
    let successor = header.iter().position(|h| h == "withdrawn_successor_id");
    let successor = successor.unwrap_or_else(|| panic!("no withdrawal column in {header:?}"));
    let id = header.iter().position(|h| h == "id").unwrap();
    let old = rows.iter().find(|r| r[id] == "hkust-old").unwrap();
    assert_eq!(old[successor], "hkust");

    let db = tmp.path().join("techpact.sqlite");
    let run = run_export(tmp.path(), &data, "sqlite", &db);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let connection = rusqlite::Connection::open(&db).unwrap();
    let mut statement = connection
        .prepare("SELECT collection, id, coalesce(successor_id, ''), date, reason FROM redirects ORDER BY id")
        .unwrap();
    let got: Vec<Vec<String>> = statement
        .query_map([], |r| {
            (0..5)
                .map(|i| r.get::<_, String>(i))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, expected);

    let jsonl = tmp.path().join("techpact.jsonl");
    let run = run_export(tmp.path(), &data, "jsonl", &jsonl);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["record"]["id"] == "hkust-older")
        .expect("the withdrawn record is exported");
    assert_eq!(line["record"]["withdrawn"]["successor"], "hkust-old");
}
