//! A synthetic dataset of any size, deterministic for a seed: every
//! collection, references of every kind (hierarchies, citations, subjects),
//! dates and identifiers, all valid, so that a full check of it is clean.

#![allow(dead_code)]

use serde_json::{Value, json};

/// A small deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How many records of each collection a dataset of `n` records has.
fn counts(n: usize) -> [(&'static str, usize); 9] {
    let share = |percent: usize| (n * percent / 100).max(2);
    [
        ("sources", share(10)),
        ("places", share(10)),
        ("organizations", share(20)),
        ("people", share(15)),
        ("partnerships", share(10)),
        ("labs", share(10)),
        ("talent-programs", share(5)),
        ("events", share(5)),
        ("facts", share(15)),
    ]
}

/// The id of record `i` of `collection`.
pub fn id(collection: &str, i: usize) -> String {
    let prefix = match collection {
        "sources" => "source",
        "places" => "place",
        "organizations" => "org",
        "people" => "person",
        "partnerships" => "partnership",
        "labs" => "lab",
        "talent-programs" => "program",
        "events" => "event",
        "facts" => "fact",
        other => other,
    };
    format!("{prefix}-{i}")
}

/// The files of a dataset of about `n` records, as (path under `data/`, text).
pub fn dataset(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let counts = counts(n);
    let count = |name: &str| {
        counts
            .iter()
            .find(|(c, _)| *c == name)
            .map_or(0, |(_, k)| *k)
    };
    let sources = count("sources");
    let mut cite_next = 0usize;
    let mut cite = |rng: &mut Rng| -> Value {
        // Every source is cited at least once, in turn; some records cite two.
        cite_next += 1;
        let mut citations = vec![json!({"source": id("sources", cite_next % sources)})];
        if rng.chance(20) {
            citations.push(
                json!({"source": id("sources", rng.below(sources)), "quote": "as the text says"}),
            );
        }
        Value::Array(citations)
    };
    let mut files = Vec::new();
    for (collection, k) in counts {
        for i in 0..k {
            let record = match collection {
                "sources" => json!({
                    "id": id("sources", i),
                    "title": format!("Report number {i} on partnerships"),
                    "kind": "news-article",
                    "published": format!("{}-{:02}", 2015 + rng.below(10), 1 + rng.below(12)),
                    "url": format!("https://news{}.example.org/articles/{i}", i % 7),
                    "language": "en",
                }),
                "places" => {
                    let mut r = json!({
                        "id": id("places", i),
                        "name": format!("Place {i}"),
                        "kind": if i == 0 { "country" } else { "city" },
                        "country": "CN",
                        "sources": cite(&mut rng),
                    });
                    if i > 0 {
                        r["within"] = json!(id("places", rng.below(i)));
                    }
                    r
                }
                "organizations" => {
                    let mut r = json!({
                        "id": id("organizations", i),
                        "name": format!("Organization {i}"),
                        "kind": *rng.pick(&["company", "university", "research-institute"]),
                        "founded": format!("{}", 1950 + rng.below(60)),
                        "location": id("places", rng.below(count("places"))),
                        "identifiers": {"wikidata": format!("Q{}", 1000 + i)},
                        "sources": cite(&mut rng),
                    });
                    if i > 0 && rng.chance(70) {
                        r["parent"] = json!(id("organizations", rng.below(i)));
                    }
                    r
                }
                "people" => json!({
                    "id": id("people", i),
                    "name": format!("Person {i}"),
                    "roles": [{
                        "organization": id("organizations", rng.below(count("organizations"))),
                        "title": "Director",
                        "start": format!("{}", 2000 + rng.below(10)),
                        "end": format!("{}-06", 2012 + rng.below(10)),
                    }],
                    "sources": cite(&mut rng),
                }),
                "partnerships" => {
                    // Two different parties: a list never repeats an item.
                    let n = count("organizations");
                    let first = rng.below(n);
                    let second = rng.below(n);
                    let second = if second == first {
                        (first + 1) % n
                    } else {
                        second
                    };
                    json!({
                        "id": id("partnerships", i),
                        "name": format!("Partnership {i}"),
                        "kind": "strategic-cooperation",
                        "parties": [{"organization": id("organizations", first)}, {"organization": id("organizations", second)}],
                        "signed": format!("{}-{:02}-{:02}", 2015 + rng.below(10), 1 + rng.below(12), 1 + rng.below(28)),
                        "regions": [id("places", rng.below(count("places")))],
                        "sources": cite(&mut rng),
                    })
                }
                "labs" => json!({
                    "id": id("labs", i),
                    "name": format!("Laboratory {i}"),
                    "hosts": [id("organizations", rng.below(count("organizations")))],
                    "partnership": id("partnerships", rng.below(count("partnerships"))),
                    "established": "2016",
                    "closed": "2024-03",
                    "sources": cite(&mut rng),
                }),
                "talent-programs" => json!({
                    "id": id("talent-programs", i),
                    "name": format!("Talent programme {i}"),
                    "hosts": [id("organizations", rng.below(count("organizations")))],
                    "partnership": id("partnerships", rng.below(count("partnerships"))),
                    "sources": cite(&mut rng),
                }),
                "events" => json!({
                    "id": id("events", i),
                    "name": format!("Conference {i}"),
                    "start": "2023-09-23",
                    "end": "2023-09-25",
                    "place": id("places", rng.below(count("places"))),
                    "hosts": [id("organizations", rng.below(count("organizations")))],
                    "sources": cite(&mut rng),
                }),
                "facts" => json!({
                    "id": id("facts", i),
                    "statement": format!("Organization {} reached milestone {i}.", i % 50),
                    "category": "milestone",
                    "subjects": [
                        {"organization": id("organizations", rng.below(count("organizations")))},
                        {"lab": id("labs", rng.below(count("labs")))},
                    ],
                    "value": {"type": "milestone", "date": "2010-05", "event": id("events", rng.below(count("events")))},
                    "sources": cite(&mut rng),
                }),
                _ => unreachable!(),
            };
            let mut record = record;
            supports_everything(&mut record);
            let path = format!("{collection}/{}.json", id(collection, i));
            let mut text = serde_json::to_string_pretty(&record).unwrap();
            text.push('\n');
            files.push((path, text));
        }
    }
    files
}

/// Makes the first citation of `record` support each of its values, so the
/// dataset has evidence for every value.
fn supports_everything(record: &mut Value) {
    let fields: Vec<Value> = record
        .as_object()
        .into_iter()
        .flat_map(|map| map.keys())
        .filter(|k| !["id", "note", "sources", "inferred"].contains(&k.as_str()))
        .map(|k| Value::from(format!("/{k}")))
        .collect();
    if let Some(first) = record
        .get_mut("sources")
        .and_then(|s| s.get_mut(0))
        .and_then(Value::as_object_mut)
    {
        first.insert("supports".into(), Value::Array(fields));
    }
}

/// Writes `files` under `dir`.
pub fn write(dir: &std::path::Path, files: &[(String, String)]) {
    for (path, text) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}
