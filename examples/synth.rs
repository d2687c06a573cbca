//! A synthetic techpact dataset of any size, for benchmarks and scale tests.
//!
//! `cargo run --release --example synth -- --records N --out DIR [--seed S]`
//! writes `DIR/data/<collection>/<id>.json`: valid, canonical records across
//! every collection, whose references all resolve, with organization and
//! place hierarchies several levels deep. The same seed gives the same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use techpact::format::to_canonical_string;
use techpact::model::*;

/// SplitMix64: small, fast and deterministic across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "quantum",
    "photonic",
    "neural",
    "secure",
    "harbour",
    "delta",
    "summit",
    "pearl",
    "lattice",
    "signal",
    "vector",
    "orbit",
    "cipher",
    "tensor",
    "aurora",
    "meridian",
    "coastal",
    "northern",
    "applied",
    "frontier",
    "integrated",
    "advanced",
    "digital",
    "precision",
];

const FIELDS: &[Field] = &[
    Field::ArtificialIntelligence,
    Field::QuantumComputing,
    Field::QuantumCommunication,
    Field::Telecommunications,
    Field::DataScience,
];

struct Plan {
    counts: [(Collection, usize); 11],
}

impl Plan {
    /// Shares of each collection in a dataset of `n` records.
    fn new(n: usize) -> Plan {
        let share = |per_mille: usize| (n * per_mille / 1000).max(1);
        let counts = [
            (Collection::Sources, share(20)),
            (Collection::Places, share(30)),
            (Collection::Organizations, share(200)),
            (Collection::People, share(200)),
            (Collection::Partnerships, share(100)),
            (Collection::Labs, share(80)),
            (Collection::TalentPrograms, share(50)),
            (Collection::Products, share(40)),
            (Collection::Events, share(60)),
            (Collection::Series, share(5)),
            (Collection::Facts, 0),
        ];
        let used: usize = counts.iter().map(|(_, c)| c).sum();
        let mut plan = Plan { counts };
        plan.counts[10].1 = n.saturating_sub(used).max(1);
        plan
    }

    fn count(&self, collection: Collection) -> usize {
        self.counts
            .iter()
            .find(|(c, _)| *c == collection)
            .map_or(0, |(_, n)| *n)
    }
}

fn id(prefix: &str, i: usize) -> Str {
    compact_str::format_compact!("{prefix}-{i:07}")
}

fn name(rng: &mut Rng, kind: &str, i: usize) -> Name {
    Name(
        format!(
            "{} {} {kind} {i}",
            capitalise(rng.word()),
            capitalise(rng.word())
        )
        .into(),
    )
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn date(rng: &mut Rng, from_year: usize, years: usize) -> PartialDate {
    let year = from_year + rng.below(years);
    match rng.below(3) {
        0 => PartialDate(format!("{year}").into()),
        1 => PartialDate(format!("{year}-{:02}", 1 + rng.below(12)).into()),
        _ => {
            PartialDate(format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)).into())
        }
    }
}

/// One citation whose quote names the record (`named`, so its name is
/// quoted) and which supports the fields at `supports`, as real citations do.
fn cite(
    rng: &mut Rng,
    plan: &Plan,
    quote_words: usize,
    named: &Name,
    supports: &[&str],
) -> Vec<Citation> {
    let source = SourceId(id("source", rng.below(plan.count(Collection::Sources))));
    let words = (0..quote_words).map(|_| rng.word()).collect::<Vec<_>>();
    vec![Citation {
        source,
        quote: Some(Quote(format!("{named} {}", words.join(" ")).into())),
        supports: supports
            .iter()
            .map(|p| Pointer(p.to_string().into()))
            .collect(),
        note: None,
    }]
}

fn org_ref(rng: &mut Rng, plan: &Plan) -> OrganizationId {
    OrganizationId(id("org", rng.below(plan.count(Collection::Organizations))))
}

/// Two different organizations (`hosts` holds each once, and only one when
/// there is one); the second is the next one along when both draws agree,
/// so that the draws, and every other record, stay the same.
fn two_orgs(rng: &mut Rng, plan: &Plan) -> Vec<OrganizationId> {
    let count = plan.count(Collection::Organizations);
    let first = rng.below(count);
    let mut second = rng.below(count);
    if second == first {
        second = (first + 1) % count.max(1);
    }
    let mut hosts = vec![OrganizationId(id("org", first))];
    if second != first {
        hosts.push(OrganizationId(id("org", second)));
    }
    hosts
}

fn place_ref(rng: &mut Rng, plan: &Plan) -> PlaceId {
    PlaceId(id("place", rng.below(plan.count(Collection::Places))))
}

fn record(collection: Collection, i: usize, rng: &mut Rng, plan: &Plan) -> (Str, String) {
    let (rid, text) = match collection {
        Collection::Sources => {
            let rid = id("source", i);
            let r = Source {
                id: RecordId(rid.clone()),
                title: Text(format!("Report {i} on {} partnerships", rng.word()).into()),
                withdrawn: None,
                kind: SourceKind::NewsArticle,
                publisher: None,
                distributor: None,
                published: Some(date(rng, 2020, 6)),
                dateline: None,
                url: Some(Url(format!("https://news.example.org/{i}").into())),
                language: Language("en".into()),
                credits: vec![],
                sha256: None,
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Places => {
            let rid = id("place", i);
            // Places form a forest: each lies within an earlier one, so chains
            // run several levels deep (country → province → city → district → street).
            let kinds = [
                PlaceKind::Country,
                PlaceKind::Province,
                PlaceKind::City,
                PlaceKind::District,
                PlaceKind::Street,
            ];
            let depth = i % kinds.len();
            let named = name(rng, "Place", i);
            let r = Place {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                kind: kinds[depth],
                within: (depth > 0).then(|| PlaceId(id("place", i - 1))),
                country: Some(CountryCode("CN".into())),
                identifiers: None,
                sources: cite(
                    rng,
                    plan,
                    3,
                    &named,
                    if depth > 0 {
                        &["/kind", "/within", "/country"]
                    } else {
                        &["/kind", "/country"]
                    },
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Organizations => {
            let rid = id("org", i);
            // Groups of four: a company and three subsidiaries in a chain.
            let named = name(rng, "Institute", i);
            let r = Organization {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![Name(format!("ORG{i}").into())],
                kind: *rng.pick(&[
                    OrganizationKind::University,
                    OrganizationKind::Company,
                    OrganizationKind::ResearchInstitute,
                ]),
                parent: (!i.is_multiple_of(4)).then(|| OrganizationId(id("org", i - 1))),
                founders: vec![],
                founded: Some(date(rng, 1950, 60)),
                dissolved: None,
                location: Some(place_ref(rng, plan)),
                focus: vec![Text(
                    format!("{} {} research", rng.word(), rng.word()).into(),
                )],
                fields: vec![*rng.pick(FIELDS)],
                identifiers: None,
                readings: vec![],
                sources: cite(
                    rng,
                    plan,
                    4,
                    &named,
                    if i.is_multiple_of(4) {
                        &[
                            "/aliases",
                            "/kind",
                            "/founded",
                            "/location",
                            "/focus",
                            "/fields",
                        ]
                    } else {
                        &[
                            "/aliases",
                            "/kind",
                            "/parent",
                            "/founded",
                            "/location",
                            "/focus",
                            "/fields",
                        ]
                    },
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::People => {
            let rid = id("person", i);
            let named = name(rng, "Person", i);
            let r = Person {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                family_name: None,
                given_name: None,
                honorific: Some(Name("Prof.".into())),
                aliases: vec![],
                roles: vec![Role {
                    organization: org_ref(rng, plan),
                    title: Some(Name("Director".into())),
                    leads: false,
                    start: Some(date(rng, 2000, 10)),
                    end: None,
                    as_of: None,
                }],
                identifiers: None,
                sources: cite(rng, plan, 4, &named, &["/honorific", "/roles"]),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Partnerships => {
            let rid = id("partnership", i);
            let person = PersonId(id("person", rng.below(plan.count(Collection::People))));
            let (a, b) = (org_ref(rng, plan), org_ref(rng, plan));
            let named = name(rng, "Agreement", i);
            let r = Partnership {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                kind: PartnershipKind::StrategicCooperation,
                parties: vec![Party::Organization(a.clone()), Party::Organization(b)],
                signed: Some(date(rng, 2010, 5)),
                signed_on_or_before: None,
                announced: None,
                start: None,
                end: None,
                signatories: vec![Participant {
                    person,
                    organization: a,
                    title: Some(Name("Vice President".into())),
                }],
                witnesses: vec![],
                framework: None,
                aims: vec![Text(
                    format!("advance {} {}", rng.word(), rng.word()).into(),
                )],
                goals: vec![],
                clusters: vec![],
                offers: vec![],
                expected_impacts: vec![],
                fields: vec![*rng.pick(FIELDS)],
                regions: vec![place_ref(rng, plan)],
                readings: vec![],
                sources: cite(
                    rng,
                    plan,
                    6,
                    &named,
                    &[
                        "/kind",
                        "/parties",
                        "/signed",
                        "/signatories",
                        "/aims",
                        "/fields",
                        "/regions",
                    ],
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Labs => {
            let rid = id("lab", i);
            let named = name(rng, "Laboratory", i);
            let r = Lab {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                hosts: two_orgs(rng, plan),
                partnership: Some(PartnershipId(id(
                    "partnership",
                    rng.below(plan.count(Collection::Partnerships)),
                ))),
                announced: Some(date(rng, 2015, 5)),
                established: None,
                closed: None,
                focus: vec![Text(format!("{} {}", rng.word(), rng.word()).into())],
                fields: vec![*rng.pick(FIELDS)],
                sources: cite(
                    rng,
                    plan,
                    5,
                    &named,
                    &["/hosts", "/partnership", "/announced", "/focus", "/fields"],
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::TalentPrograms => {
            let rid = id("talent", i);
            let named = name(rng, "Programme", i);
            let r = TalentProgram {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                hosts: vec![org_ref(rng, plan)],
                partnership: Some(PartnershipId(id(
                    "partnership",
                    rng.below(plan.count(Collection::Partnerships)),
                ))),
                announced: None,
                initiatives: vec![
                    Name("summer internship".into()),
                    Name("exchange programme".into()),
                ],
                aims: vec![],
                regions: vec![place_ref(rng, plan)],
                sources: cite(
                    rng,
                    plan,
                    5,
                    &named,
                    &["/hosts", "/partnership", "/initiatives", "/regions"],
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Products => {
            let rid = id("product", i);
            let named = name(rng, "Service", i);
            let r = Product {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                kind: ProductKind::Service,
                owners: vec![org_ref(rng, plan)],
                launched: Some(date(rng, 2010, 10)),
                fields: vec![*rng.pick(FIELDS)],
                readings: vec![],
                sources: cite(
                    rng,
                    plan,
                    6,
                    &named,
                    &["/kind", "/owners", "/launched", "/fields"],
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Series => {
            let rid = id("series", i);
            let named = name(rng, "Conference", i);
            let r = Series {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                aliases: vec![],
                first_held: Some(date(rng, 2005, 5)),
                place: Some(place_ref(rng, plan)),
                fields: vec![*rng.pick(FIELDS)],
                sources: cite(rng, plan, 5, &named, &["/first_held", "/place", "/fields"]),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Events => {
            let rid = id("event", i);
            let day = 1 + rng.below(20);
            let year = 2010 + rng.below(10);
            let named = name(rng, "Conference", i);
            let r = Event {
                id: RecordId(rid.clone()),
                name: named.clone(),
                withdrawn: None,
                series: Some(SeriesId(id(
                    "series",
                    rng.below(plan.count(Collection::Series)),
                ))),
                edition: Some(1 + (i % 12) as u32),
                start: Some(PartialDate(format!("{year}-09-{day:02}").into())),
                end: Some(PartialDate(format!("{year}-09-{:02}", day + 1).into())),
                place: Some(place_ref(rng, plan)),
                hosts: vec![org_ref(rng, plan)],
                organizers: vec![],
                theme: Some(Name(format!("{} futures", capitalise(rng.word())).into())),
                activities: vec![],
                fields: vec![*rng.pick(FIELDS)],
                sources: cite(
                    rng,
                    plan,
                    5,
                    &named,
                    &[
                        "/series", "/edition", "/start", "/end", "/place", "/hosts", "/theme",
                        "/fields",
                    ],
                ),
                inferred: vec![],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
        Collection::Facts => {
            let rid = id("fact", i);
            // Facts are dated before every source (2020 on), so no text reports the future.
            let r = Fact {
                id: RecordId(rid.clone()),
                statement: Text(
                    format!("Organization {i} counted {} partners.", rng.below(500)).into(),
                ),
                withdrawn: None,
                category: FactCategory::Figure,
                subjects: vec![Subject::Organization(org_ref(rng, plan))],
                claimant: None,
                value: Some(FactValue::Quantity {
                    number: serde_json::Number::from(rng.below(10_000) as u64),
                    comparator: Comparator::Exactly,
                    unit: Name("companies".into()),
                    as_of: Some(date(rng, 2010, 10)),
                }),
                items: vec![],
                fields: vec![*rng.pick(FIELDS)],
                sources: cite(
                    rng,
                    plan,
                    6,
                    &Name(format!("Organization {i}").into()),
                    &["/statement", "/category", "/value", "/fields"],
                ),
                inferred: vec![Inference {
                    pointer: Pointer("/subjects".into()),
                    reason: Name("the organization the source calls by its number".into()),
                }],
                note: None,
            };
            (rid, to_canonical_string(&r))
        }
    };
    (rid, text)
}

struct Args {
    records: usize,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut records = None;
    let mut out = None;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--records" => records = Some(value()?.parse().map_err(|e| format!("--records: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        records: records.ok_or("--records N is required")?,
        out: out.ok_or("--out DIR is required")?,
        seed,
    })
}

fn write(dir: &Path, rid: &str, text: &str) -> std::io::Result<()> {
    fs::write(dir.join(format!("{rid}.json")), text)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("synth: {e}\nusage: synth --records N --out DIR [--seed S]");
            std::process::exit(2);
        }
    };
    let plan = Plan::new(args.records);
    let data = args.out.join("data");
    for (collection, count) in plan.counts {
        let dir = data.join(collection.dir_name());
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        // One generator per collection, so a collection's records do not
        // depend on how many records the others have.
        let mut rng = Rng(args.seed ^ (collection as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        for i in 0..count {
            let (rid, text) = record(collection, i, &mut rng, &plan);
            write(&dir, &rid, &text).unwrap_or_else(|e| panic!("writing {rid}: {e}"));
        }
    }
    let total: usize = plan.counts.iter().map(|(_, n)| n).sum();
    println!("wrote {total} records to {}", data.display());
}
