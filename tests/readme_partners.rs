//! README's answer to "which partnerships involve China Telecom, and with
//! whom?": its SQL, run on a fresh SQLite export of `data/`, prints exactly
//! the rows README shows, and those rows include the cooperation with Anhui,
//! a place acting as a party.

use crate::common;

use common::{root, techpact};

/// The SQL of the README example and the rows it shows under it.
fn example() -> (String, Vec<String>) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("$ sqlite3 techpact.sqlite \"\n  SELECT p.id, p.kind")
        .expect("README shows the China Telecom partners query");
    let block = &readme[start..];
    let block = &block[..block.find("\n```").unwrap()];
    let sql_start = block.find('"').unwrap() + 1;
    let sql_end = sql_start + block[sql_start..].find('"').unwrap();
    let rows = block[sql_end + 1..]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    (block[sql_start..sql_end].to_string(), rows)
}

#[test]
fn the_readme_query_prints_what_readme_shows() {
    let (sql, shown) = example();
    assert!(
        shown.iter().any(
            |r| r.starts_with("china-telecom-anhui-quantum-cooperation|") && r.contains("|place|")
        ),
        "{shown:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("techpact.sqlite");
    let run = techpact(
        &root(),
        &[
            "export",
            "--format",
            "sqlite",
            "--out",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let connection = rusqlite::Connection::open(&db).unwrap();
    let mut statement = connection.prepare(&sql).unwrap();
    let columns = statement.column_count();
    let rows: Vec<String> = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    row.get::<_, Option<String>>(i)
                        .map(Option::unwrap_or_default)
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|cells| cells.join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, shown);
}
