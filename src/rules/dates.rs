//! Date rules: every date is real, ends do not come before starts, and a fact
//! is not dated after the texts that report it.
//!
//! A partial date is an interval: `2023` is any day of 2023, `2023-05` any day
//! of May 2023. Two dates are out of order only when they must be, that is
//! when the latest day the end can be comes before the earliest day the start
//! can be; `2023` and `2023-05-29` are never out of order.
//!
//! Where the date fields are is read from the schema (every node with the
//! `PartialDate` pattern), so a date field added to a type is checked for being
//! real without touching this file; which dates must be ordered is a matter
//! of meaning and is spelled out per type.

use std::collections::HashMap;
use std::sync::OnceLock;

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

use super::Context;
use crate::diag::{Code, Finding};
use crate::load::RecordFile;
use crate::model::{Collection, FactValue, PartialDate, Record};
use crate::refs::{PathPattern, PatternTree, paths_where};
use crate::schema;

/// A day as (year, month, day).
pub type Day = (u32, u32, u32);

/// The days a partial date may stand for, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// The earliest day.
    pub earliest: Day,
    /// The latest day.
    pub latest: Day,
}

/// The interval of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the reason when it is
/// not a real calendar date in one of those forms.
pub fn interval(date: &str) -> Result<Interval, String> {
    let parts: Vec<&str> = date.split('-').collect();
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let bad_form = || format!("`{date}` is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`");
    let year = parts
        .first()
        .and_then(|y| number(y, 4))
        .ok_or_else(bad_form)?;
    let month = match parts.get(1) {
        None => None,
        Some(m) => Some(number(m, 2).ok_or_else(bad_form)?),
    };
    let day = match parts.get(2) {
        None => None,
        Some(d) => Some(number(d, 2).ok_or_else(bad_form)?),
    };
    if parts.len() > 3 {
        return Err(bad_form());
    }
    let Some(month) = month else {
        return Ok(Interval {
            earliest: (year, 1, 1),
            latest: (year, 12, 31),
        });
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "`{date}` has month {month:02}; months run from 01 to 12"
        ));
    }
    let last = days_in_month(year, month);
    let Some(day) = day else {
        return Ok(Interval {
            earliest: (year, month, 1),
            latest: (year, month, last),
        });
    };
    if day == 0 || day > last {
        return Err(format!(
            "`{date}` has day {day:02}, but {} {year} has {last} days",
            MONTHS[month as usize - 1]
        ));
    }
    Ok(Interval {
        earliest: (year, month, day),
        latest: (year, month, day),
    })
}

/// The months' names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days in `month` of `year`, by the Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Where the dates sit in each collection's records: every schema node whose
/// pattern is the one `PartialDate` generates.
pub fn date_fields(collection: Collection) -> &'static [PathPattern] {
    dates_of(collection).map_or(&[], |(fields, _)| fields.as_slice())
}

/// `date_fields` of `collection`, with their patterns walked as one.
fn dates_of(collection: Collection) -> Option<&'static (Vec<PathPattern>, PatternTree)> {
    static FIELDS: OnceLock<HashMap<Collection, (Vec<PathPattern>, PatternTree)>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        let date_schema = PartialDate::json_schema(&mut SchemaGenerator::default());
        let pattern = date_schema.get("pattern").cloned();
        Collection::ALL
            .into_iter()
            .map(|c| {
                let found = paths_where(&schema::generate(c), &|node| {
                    pattern.is_some() && node.get("pattern") == pattern.as_ref()
                })
                // The record types are finite; `refs` tests prove the walk works on them.
                .unwrap_or_default();
                let tree = PatternTree::new(&found);
                (c, (found, tree))
            })
            .collect()
    });
    fields.get(&collection)
}

/// Every date, partial or full, is a real calendar date.
pub fn dates_are_real(file: &RecordFile, value: &Value, _: &Record, out: &mut Vec<Finding>) {
    let Some((_, tree)) = dates_of(file.collection) else {
        return;
    };
    tree.visit(value, |_, pointer, date| {
        if let Value::String(date) = date
            && let Err(reason) = interval(date)
        {
            out.push(file.finding(
                Code::DateInvalid,
                pointer,
                format!("{reason}; not a real date"),
            ));
        }
    });
}

/// A dated field of a record: where it sits, what it is called, its value.
type Dated<'r> = (String, &'static str, Option<&'r PartialDate>);

fn role_at<'r>(i: usize, name: &'static str, date: &'r Option<PartialDate>) -> Dated<'r> {
    (format!("/roles/{i}/{name}"), name, date.as_ref())
}

/// Pairs of dates that must be in order, as (earlier, later).
fn ordered_pairs(record: &Record) -> Vec<(Dated<'_>, Dated<'_>)> {
    fn at<'r>(name: &'static str, date: &'r Option<PartialDate>) -> Dated<'r> {
        (format!("/{name}"), name, date.as_ref())
    }
    match record {
        Record::Organization(o) => vec![(at("founded", &o.founded), at("dissolved", &o.dissolved))],
        Record::Partnership(p) => vec![
            (at("start", &p.start), at("end", &p.end)),
            (at("signed", &p.signed), at("end", &p.end)),
            (
                at("signed", &p.signed),
                at("signed_on_or_before", &p.signed_on_or_before),
            ),
        ],
        Record::Lab(l) => vec![
            (at("established", &l.established), at("closed", &l.closed)),
            (at("announced", &l.announced), at("closed", &l.closed)),
        ],
        Record::Event(e) => vec![(at("start", &e.start), at("end", &e.end))],
        Record::Person(p) => p
            .roles
            .iter()
            .enumerate()
            .flat_map(|(i, role)| {
                [
                    (
                        role_at(i, "start", &role.start),
                        role_at(i, "end", &role.end),
                    ),
                    (
                        role_at(i, "start", &role.start),
                        role_at(i, "as_of", &role.as_of),
                    ),
                    (
                        role_at(i, "as_of", &role.as_of),
                        role_at(i, "end", &role.end),
                    ),
                ]
            })
            .collect(),
        Record::Place(_)
        | Record::TalentProgram(_)
        | Record::Product(_)
        | Record::Series(_)
        | Record::Fact(_)
        | Record::Source(_)
        | Record::Withdrawn(_) => Vec::new(),
    }
}

/// Wherever a record has both, its end is not before its start: founded and
/// dissolved, start and end, signed and end, signed and the date it was
/// signed on or before, established (or announced) and closed, and a role's start, `as_of` and end.
pub fn ends_not_before_starts(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, file, record) in cx.records() {
        for ((_, first_name, first), (pointer, second_name, second)) in ordered_pairs(record) {
            let (Some(first), Some(second)) = (first, second) else {
                continue;
            };
            let (Ok(a), Ok(b)) = (interval(first.as_str()), interval(second.as_str())) else {
                continue;
            };
            if b.latest < a.earliest {
                out.push(file.finding(
                    Code::DateOrder,
                    &pointer,
                    format!("`{second_name}` {second} is before `{first_name}` {first}"),
                ));
            }
        }
    }
}

/// A fact's date (a figure's or rank's `as_of`, a milestone's `date`) is not
/// after the `published` date of any source it cites: a text cannot report
/// what happened after it was published.
pub fn facts_not_after_their_sources(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, file, record) in cx.records() {
        let Record::Fact(fact) = record else { continue };
        let (pointer, date) = match &fact.value {
            Some(
                FactValue::Quantity { as_of: Some(d), .. } | FactValue::Rank { as_of: Some(d), .. },
            ) => ("/value/as_of", d),
            Some(FactValue::Milestone { date, .. }) => ("/value/date", date),
            _ => continue,
        };
        let Ok(when) = interval(date.as_str()) else {
            continue;
        };
        let mut later_than: Vec<String> = Vec::new();
        for citation in &fact.sources {
            let Some(Record::Source(source)) =
                cx.record(Collection::Sources, citation.source.as_str())
            else {
                continue;
            };
            let Some(published) = &source.published else {
                continue;
            };
            let Ok(p) = interval(published.as_str()) else {
                continue;
            };
            if when.earliest > p.latest {
                let shown = format!("`{}` (published {published})", source.id.as_str());
                if !later_than.contains(&shown) {
                    later_than.push(shown);
                }
            }
        }
        if !later_than.is_empty() {
            out.push(report_after(file, pointer, date, &later_than));
        }
    }
}

fn report_after(
    file: &RecordFile,
    pointer: &str,
    date: &PartialDate,
    sources: &[String],
) -> Finding {
    let cited = if sources.len() == 1 {
        "the cited source"
    } else {
        "the cited sources"
    };
    file.finding(
        Code::DateOrder,
        pointer,
        format!(
            "the fact is dated {date}, after {cited} {}; a text cannot report what happened after it was published",
            sources.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates() {
        assert_eq!(interval("2024-02-29").unwrap().latest, (2024, 2, 29));
        assert_eq!(interval("2000-02").unwrap().latest, (2000, 2, 29));
        assert_eq!(interval("1900-02").unwrap().latest, (1900, 2, 28));
        assert_eq!(
            interval("2023").unwrap(),
            Interval {
                earliest: (2023, 1, 1),
                latest: (2023, 12, 31)
            }
        );
        assert!(
            interval("2023-02-29")
                .unwrap_err()
                .contains("February 2023 has 28 days")
        );
        assert!(interval("1900-02-29").is_err());
        assert!(interval("2023-13").unwrap_err().contains("month 13"));
        assert!(interval("2023-00").is_err());
        assert!(interval("2023-04-31").is_err());
        assert!(interval("2023-04-00").is_err());
        for bad in [
            "23",
            "2023-1",
            "2023-01-1",
            "2023-01-01-01",
            "abcd",
            "",
            "2023-01-",
        ] {
            assert!(interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn partial_dates_are_intervals() {
        let a = interval("2023").unwrap();
        let b = interval("2023-05-29").unwrap();
        assert!(b.latest >= a.earliest && a.latest >= b.earliest);
        assert!(interval("2022-12").unwrap().latest < interval("2023").unwrap().earliest);
    }

    #[test]
    fn date_fields_come_from_the_schema() {
        let shown = |c| {
            date_fields(c)
                .iter()
                .map(PathPattern::display)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shown(Collection::Organizations),
            ["/dissolved", "/founded", "/withdrawn/date"]
        );
        let people = shown(Collection::People);
        for want in ["/roles/*/start", "/roles/*/end", "/roles/*/as_of"] {
            assert!(people.iter().any(|p| p == want), "{want} not in {people:?}");
        }
        let facts = shown(Collection::Facts);
        assert!(
            facts.iter().any(|p| p == "/value/as_of") && facts.iter().any(|p| p == "/value/date")
        );
        assert_eq!(
            shown(Collection::Sources),
            ["/published", "/withdrawn/date"]
        );
    }
}
