//! Whether a quote states a value, as a careful reader would accept it.
//!
//! Texts are compared folded: case, runs of whitespace, typographic quotes
//! and dashes do not matter. A value must appear as a whole: text and
//! numbers are bounded by non-alphanumeric characters, so `19` is not in
//! `2019`, `500` is not in `500,000` and `AI` is not in `said`. A number
//! also matches its usual written forms (`500,000`, `1.5 million`, `three`,
//! `third`, `3rd`); a partial date matches only a mention with the same
//! year, month and day (`April 9, 2025`, `9 April 2025`, `2025-04-09`). When
//! in doubt it does not match: "the end of 2022" does not state `2022-12`.

use std::ops::Range;

use serde_json::Number;

/// `text` folded for comparison: lowercase, whitespace runs as one space,
/// typographic quotes and dashes as their ASCII forms, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text;
    while !rest.is_empty() {
        // A run of ASCII characters that fold to themselves but for case is
        // copied whole; most of a quote is such runs.
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii() || b == b'`' || char::from(b).is_whitespace())
            .unwrap_or(rest.len());
        if run > 0 {
            if space {
                out.push(' ');
                space = false;
            }
            let start = out.len();
            out.push_str(&rest[..run]);
            out[start..].make_ascii_lowercase();
            rest = &rest[run..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        fold_char(c, &mut out, &mut space);
    }
    out
}

/// Appends `c` folded to `out`; `space` is whether a whitespace run is
/// pending, written only before the next character that is not one.
fn fold_char(c: char, out: &mut String, space: &mut bool) {
    if c.is_whitespace() {
        *space = !out.is_empty();
        return;
    }
    if *space {
        out.push(' ');
        *space = false;
    }
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' => out.push('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => out.push('"'),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => out.push('-'),
        c => out.extend(c.to_lowercase()),
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The byte offsets of the occurrences of `needle` in `hay` that do not
/// overlap, from the left: what `str::match_indices` finds. Quotes and names
/// are short, so each occurrence of the needle's first byte is compared in
/// place; `match_indices` would first build a searcher for the needle, which
/// costs more than searching a quote. Both strings are whole UTF-8, so every
/// offset found is at a character boundary.
fn occurrences<'h>(hay: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let mut from = 0;
    std::iter::from_fn(move || {
        let (&first, _) = needle.split_first()?;
        while from + needle.len() <= hay.len() {
            let last_start = hay.len() - needle.len();
            let at = from + memchr::memchr(first, &hay[from..=last_start])?;
            if &hay[at..at + needle.len()] == needle {
                from = at + needle.len();
                return Some(at);
            }
            from = at + 1;
        }
        None
    })
}

/// Whether `needle` occurs in `hay` with `bounded` accepting the text
/// before and after the occurrence.
fn occurs(hay: &str, needle: &str, bounded: impl Fn(&str, &str) -> bool) -> bool {
    occurrences(hay, needle).any(|at| bounded(&hay[..at], &hay[at + needle.len()..]))
}

/// `needle` as a whole in `hay`: not glued to a letter or digit on a side
/// where it starts or ends with one, and not inside one of the longer byte
/// ranges `inside` (another name: "HKUST" in "HKUST Guodun").
fn occurs_as_word_outside(hay: &str, needle: &str, inside: &[Range<usize>]) -> bool {
    let starts = is_word(needle.chars().next());
    let ends = is_word(needle.chars().next_back());
    occurs(hay, needle, |before, after| {
        let (at, end) = (before.len(), hay.len() - after.len());
        let glued =
            starts && is_word(before.chars().next_back()) || ends && is_word(after.chars().next());
        let within = inside
            .iter()
            .any(|r| r.start <= at && end <= r.end && r.len() > end - at);
        !glued && !within
    })
}

/// The byte ranges of the whole occurrences of the folded `name` in `hay`.
pub fn ranges(hay: &str, name: &str) -> Vec<Range<usize>> {
    let starts = is_word(name.chars().next());
    let ends = is_word(name.chars().next_back());
    if name.is_empty() {
        return Vec::new();
    }
    occurrences(hay, name)
        .filter(|&at| {
            let (before, after) = (&hay[..at], &hay[at + name.len()..]);
            !(starts && is_word(before.chars().next_back())
                || ends && is_word(after.chars().next()))
        })
        .map(|at| at..at + name.len())
        .collect()
}

/// `digits` as a whole number in `hay`: not part of a longer number, such
/// as `2019`, `19.5`, `1,900` or `0.19`.
fn occurs_as_number(hay: &str, digits: &str) -> bool {
    occurs(hay, digits, |before, after| {
        let mut b = before.chars().rev();
        let glued_before = match b.next() {
            Some(c) if c.is_alphanumeric() => true,
            Some('.' | ',') => b.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        let mut a = after.chars();
        let glued_after = match a.next() {
            Some(c) if c.is_alphanumeric() => true,
            Some('.' | ',') => a.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        !glued_before && !glued_after
    })
}

/// The folded `text` with every whole occurrence of the folded `name`
/// replaced by a mark that matches nothing.
pub fn blank(text: &str, name: &str) -> String {
    if name.is_empty() {
        return text.to_string();
    }
    let starts = is_word(name.chars().next());
    let ends = is_word(name.chars().next_back());
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for at in occurrences(text, name) {
        let (before, after) = (&text[..at], &text[at + name.len()..]);
        if at < last
            || starts && is_word(before.chars().next_back())
            || ends && is_word(after.chars().next())
        {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push('\u{fffc}');
        last = at + name.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Whether the folded quote `quote` states the text `value` somewhere not
/// inside one of the longer byte ranges `inside` (the ranges of other
/// names). A slug such as `research-institute` (an enumeration's value) also
/// matches with spaces.
#[cfg(test)]
fn states_text_outside(quote: &str, value: &str, inside: &[Range<usize>]) -> bool {
    Text::new(value).stated_outside(quote, inside)
}

/// A text value as quotes are searched for it, folded once for all of them.
pub struct Text {
    folded: String,
    /// A slug's form with spaces.
    spaced: Option<String>,
}

impl Text {
    /// `value`, folded, with its spaced form when it is a slug.
    pub fn new(value: &str) -> Text {
        Text::of_folded(fold(value))
    }

    /// A text already folded (`fold` is idempotent, so this is `new` of it).
    pub fn of_folded(folded: String) -> Text {
        let slug = folded.contains('-')
            && folded
                .chars()
                .all(|c| c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit());
        let spaced = slug.then(|| folded.replace('-', " "));
        Text { folded, spaced }
    }

    /// The length of the folded text, in bytes; its spaced form has the same.
    pub fn folded_len(&self) -> usize {
        self.folded.len()
    }

    /// Whether the folded `quote` holds the text at all, as a word or not:
    /// a cheap test that `stated_outside` can only pass after.
    pub fn anywhere_in(&self, quote: &str) -> bool {
        !self.folded.is_empty() && quote.contains(&self.folded)
            || self.spaced.as_deref().is_some_and(|s| quote.contains(s))
    }

    /// `states_text_outside` for this text.
    pub fn stated_outside(&self, quote: &str, inside: &[Range<usize>]) -> bool {
        occurs_as_word_outside(quote, &self.folded, inside)
            || self
                .spaced
                .as_deref()
                .is_some_and(|s| occurs_as_word_outside(quote, s, inside))
    }
}

const CARDINALS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

const ORDINALS: [&str; 21] = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// `n` with a comma between groups of three digits: `500,000`.
fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// `n / scale` written with at most two decimals when that is exact: `1.5`.
fn scaled(n: u64, scale: u64) -> Option<String> {
    let (n, scale) = (u128::from(n), u128::from(scale));
    if n < scale || (n * 100) % scale != 0 {
        return None;
    }
    let hundredths = n * 100 / scale;
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    Some(match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    })
}

/// The ordinal suffix of `n`: `st`, `nd`, `rd` or `th`.
fn suffix(n: u64) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The written forms of the whole number `n` besides its plain digits.
fn written_forms(n: u64) -> Vec<String> {
    let mut words = Vec::new();
    if let Some(w) = usize::try_from(n).ok().and_then(|i| CARDINALS.get(i)) {
        words.push((*w).to_string());
    }
    if n < 100 && n > 20 && n.is_multiple_of(10) {
        words.push(TENS[(n / 10) as usize].to_string());
    }
    if let Some(w) = usize::try_from(n).ok().and_then(|i| ORDINALS.get(i))
        && !w.is_empty()
    {
        words.push((*w).to_string());
    }
    if n > 0 {
        words.push(format!("{n}{}", suffix(n)));
    }
    for (scale, name) in [
        (1_000, "thousand"),
        (1_000_000, "million"),
        (1_000_000_000, "billion"),
    ] {
        if let Some(s) = scaled(n, scale) {
            words.push(format!("{s} {name}"));
        }
    }
    words
}

/// Whether the folded quote `quote` states the number `n`: its digits, with
/// or without thousands separators, or one of its usual written forms.
pub fn states_number(quote: &str, n: &Number) -> bool {
    let Some(whole) = n.as_u64() else {
        return occurs_as_number(quote, &n.to_string());
    };
    if occurs_as_number(quote, &whole.to_string()) {
        return true;
    }
    if whole >= 1000
        && [',', ' ']
            .iter()
            .any(|&s| occurs_as_number(quote, &grouped(whole, s)))
    {
        return true;
    }
    // A number word glued by a hyphen is part of another word: "first-mover".
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    written_forms(whole).iter().any(|form| {
        occurs(quote, form, |before, after| {
            !glued(before.chars().next_back()) && !glued(after.chars().next())
        })
    })
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a word names, fully or abbreviated (`apr`, `sept`).
fn month_of(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| {
            *m == word
                || (word.len() >= 3 && m.starts_with(word) && (word.len() == 3 || word == "sept"))
        })
        .map(|i| i as u32 + 1)
}

/// A day of the month as written: `9`, `09`, `9th`.
fn day_of(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let rest = &word[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let day: u32 = digits.parse().ok()?;
    let ok_suffix = rest.is_empty() || rest == suffix(u64::from(day));
    ((1..=31).contains(&day) && ok_suffix).then_some(day)
}

fn year_of(word: &str) -> Option<u32> {
    (word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

/// A date a text mentions: a year with its month, and the day when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mention {
    year: u32,
    month: u32,
    day: Option<u32>,
}

/// The words of a folded text with the characters between each and the next.
fn words(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        let gap_end = after.find(char::is_alphanumeric).unwrap_or(after.len());
        if !word.is_empty() {
            out.push((word, &after[..gap_end]));
        }
        rest = after;
    }
    out
}

/// Every month-precise date the folded text mentions: `April 2025`,
/// `April 9, 2025`, `Apr. 9th 2025`, `9 April 2025`, `2025-04`, `2025-04-09`.
fn mentions(text: &str) -> Vec<Mention> {
    let words = words(text);
    let word = |i: usize| words.get(i).map(|w| w.0);
    let gap = |i: usize| words.get(i).map_or("", |w| w.1);
    let spaced = |g: &str| matches!(g, " " | ", " | ". " | "., ");
    let mut out = Vec::new();
    for i in 0..words.len() {
        // Month [day] year.
        if let Some(month) = word(i).and_then(month_of) {
            if let Some(year) = word(i + 1).and_then(year_of).filter(|_| spaced(gap(i))) {
                out.push(Mention {
                    year,
                    month,
                    day: None,
                });
            }
            if let (Some(day), Some(year)) =
                (word(i + 1).and_then(day_of), word(i + 2).and_then(year_of))
                && spaced(gap(i))
                && spaced(gap(i + 1))
            {
                out.push(Mention {
                    year,
                    month,
                    day: Some(day),
                });
            }
        }
        // Day month year.
        if let (Some(day), Some(month), Some(year)) = (
            word(i).and_then(day_of),
            word(i + 1).and_then(month_of),
            word(i + 2).and_then(year_of),
        ) && gap(i) == " "
            && spaced(gap(i + 1))
        {
            out.push(Mention {
                year,
                month,
                day: Some(day),
            });
        }
        // ISO: 2025-04 and 2025-04-09, with nothing numeric glued on.
        if let (Some(year), Some(m)) = (word(i).and_then(year_of), word(i + 1))
            && gap(i) == "-"
            && m.len() == 2
            && let Ok(month @ 1..=12) = m.parse::<u32>()
        {
            let day = word(i + 2)
                .filter(|d| gap(i + 1) == "-" && d.len() == 2)
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| (1..=31).contains(d));
            out.push(Mention { year, month, day });
        }
    }
    out
}

/// Whether the folded quote `quote` states the partial date `date`
/// (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): the year as a whole number, or a
/// mention with the same month (and day, when the date has one).
pub fn states_date(quote: &str, date: &str) -> bool {
    let mut parts = date.split('-');
    let Some(year) = parts.next() else {
        return false;
    };
    let month = parts.next().and_then(|m| m.parse::<u32>().ok());
    let day = parts.next().and_then(|d| d.parse::<u32>().ok());
    let Some(month) = month else {
        return year_of(year).is_some() && occurs_as_number(quote, year);
    };
    let Some(year) = year_of(year) else {
        return false;
    };
    mentions(quote)
        .iter()
        .any(|m| m.year == year && m.month == month && (day.is_none() || m.day == day))
}

/// Whether `text` is a partial date as the model writes one.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_twice_is_folding_once() {
        // `Text::of_folded` takes a folded name for the name itself.
        for text in [
            "  The  Hong\u{a0}Kong\tUniversity ",
            "“Quantum” — ‘AI’ ‐ Lab`s",
            "İstanbul ẞTRASSE Σίσυφος",
            "HKUST-Guodun",
            "",
        ] {
            let once = fold(text);
            assert_eq!(fold(&once), once, "{text:?}");
            let (a, b) = (Text::new(text), Text::of_folded(once.clone()));
            assert_eq!((a.folded, a.spaced), (b.folded, b.spaced), "{text:?}");
        }
    }

    fn states_text_plain(quote: &str, value: &str) -> bool {
        states_text_outside(quote, value, &[])
    }

    fn text(quote: &str, value: &str) -> bool {
        states_text_plain(&fold(quote), value)
    }

    fn number(quote: &str, n: u64) -> bool {
        states_number(&fold(quote), &Number::from(n))
    }

    fn date(quote: &str, d: &str) -> bool {
        states_date(&fold(quote), d)
    }

    /// `fold` one character at a time, with no run copied whole.
    fn fold_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in text.chars() {
            fold_char(c, &mut out, &mut space);
        }
        out
    }

    #[test]
    fn folding_ascii_runs_whole_gives_what_folding_each_character_gives() {
        for text in [
            "",
            " ",
            "HKUST",
            "  The Hong Kong UNIVERSITY\tof Science\u{0b}and Technology  ",
            "CAFÉ Ünïcode İstanbul ΣΑΣ",
            "`quoted` ‘single’ “double” «guillemets» a—b a–b −3",
            "a\u{a0}b\u{2003}c\u{3000}d\r\ne\u{85}f",
            "MiXeD123_-./:;~",
            "\u{1F600} emoji ÅNGSTRÖM",
        ] {
            assert_eq!(fold(text), fold_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn occurrences_are_what_match_indices_finds() {
        for (hay, needle) in [
            ("", "a"),
            ("a", ""),
            ("abc", "abc"),
            ("ab", "abc"),
            ("aaaa", "aa"),
            ("abababa", "aba"),
            ("hkust and hkust guodun", "hkust"),
            ("café café", "é c"),
            ("ü ü ü", "ü"),
            ("xyz", "z"),
            ("the end", "end"),
        ] {
            let want: Vec<usize> = if needle.is_empty() {
                Vec::new()
            } else {
                hay.match_indices(needle).map(|(at, _)| at).collect()
            };
            let got: Vec<usize> = occurrences(hay, needle).collect();
            assert_eq!(got, want, "{needle:?} in {hay:?}");
        }
    }

    #[test]
    fn folds_case_whitespace_quotes_and_dashes() {
        assert_eq!(
            fold("  Anhui  Province’s\n“first” — "),
            "anhui province's \"first\" -"
        );
        assert!(text(
            "China Telecom’s  Quantum\nGroup",
            "china telecom's quantum group"
        ));
    }

    #[test]
    fn text_matches_whole_words_only() {
        assert!(text("HKUST President Prof. Nancy Ip", "Nancy Ip"));
        assert!(text("jointly develop AI and quantum", "AI"));
        assert!(!text("as HKUST said", "AI"));
        assert!(!text("a Hong Kongese firm", "Hong Kong"));
        assert!(!text("the universities", "university"));
        assert!(text("a leading research university in Asia", "university"));
    }

    #[test]
    fn blanking_a_name_hides_what_it_contains() {
        let quote = fold("The Hong Kong University of Science and Technology (HKUST)");
        let unnamed = blank(
            &quote,
            &fold("The Hong Kong University of Science and Technology"),
        );
        assert!(!states_text_plain(&unnamed, "university"));
        assert!(!states_text_plain(&unnamed, "Hong Kong"));
        assert!(states_text_plain(&unnamed, "HKUST"));
        let quote = fold("As a leading research university in Asia, HKUST is");
        assert!(states_text_plain(&blank(&quote, "hkust"), "university"));
        assert_eq!(blank("xhkust hkust", "hkust"), "xhkust \u{fffc}");
    }

    #[test]
    fn a_name_inside_a_longer_name_is_not_stated() {
        let quote = fold("China Telecom and HKUST Guodun jointly carried out research");
        let guodun = ranges(&quote, "hkust guodun");
        assert_eq!(guodun, vec![Range { start: 18, end: 30 }]);
        assert!(!states_text_outside(&quote, "HKUST", &guodun));
        assert!(states_text_outside(&quote, "HKUST Guodun", &guodun));
        assert!(states_text_outside(&quote, "China Telecom", &guodun));
        let quote = fold("HKUST Guodun and HKUST");
        assert!(states_text_outside(
            &quote,
            "HKUST",
            &ranges(&quote, "hkust guodun")
        ));
    }

    #[test]
    fn a_slug_matches_its_words() {
        assert!(text(
            "Artificial Intelligence and quantum",
            "artificial-intelligence"
        ));
        assert!(text("a research institute", "research-institute"));
        assert!(!text("research into institutes", "research-institute"));
    }

    #[test]
    fn numbers_match_their_written_forms() {
        assert!(number("gathered 19 quantum core companies", 19));
        assert!(number("more than 500,000 users", 500_000));
        assert!(number("more than 500 000 users", 500_000));
        assert!(number("more than 500000 users", 500_000));
        assert!(number("1.5 million users", 1_500_000));
        assert!(number("3 million users", 3_000_000));
        assert!(number("three consecutive years", 3));
        assert!(number("the third edition", 3));
        assert!(number("the 3rd edition", 3));
        assert!(number("the 21st edition", 21));
        assert!(number("ranked first in Greater China", 1));
        assert!(number("top 20", 20));
    }

    #[test]
    fn numbers_do_not_match_inside_other_numbers() {
        assert!(!number("In 2019 it began", 19));
        assert!(!number("In 2019 it began", 201));
        assert!(!number("19.5 percent", 19));
        assert!(!number("0.19 percent", 19));
        assert!(!number("1,900 firms", 19));
        assert!(!number("500,000 users", 500));
        assert!(!number("500,000 users", 5));
        assert!(!number("the 119th edition", 19));
        assert!(number("the 19th edition", 19));
        assert!(!number("someone said", 1));
        assert!(!number("the thirteenth", 3));
        assert!(!number("its first-mover advantage", 1));
        assert!(!number("a one-off", 1));
        assert!(!number("1.5 million users", 1_500));
    }

    #[test]
    fn years_match_as_whole_numbers() {
        assert!(date("In 2021, the conference", "2021"));
        assert!(date("from 2021-2023", "2021"));
        assert!(!date("code 12021 here", "2021"));
        assert!(!date("the year 20215", "2021"));
        assert!(!date("2,021 people", "2021"));
    }

    #[test]
    fn months_and_days_match_only_with_their_year() {
        assert!(date("on April 9, 2025, the parties", "2025-04-09"));
        assert!(date("on April 9th, 2025", "2025-04-09"));
        assert!(date("on 9 April 2025", "2025-04-09"));
        assert!(date("on Apr. 9, 2025", "2025-04-09"));
        assert!(date("on 2025-04-09", "2025-04-09"));
        assert!(date("in April 2025", "2025-04"));
        assert!(date("on April 9, 2025", "2025-04"));
        assert!(date("dated 2025-04", "2025-04"));
        assert!(date("on April 9, 2025", "2025"));
    }

    #[test]
    fn partial_dates_are_matched_conservatively() {
        assert!(!date("By the end of 2022, Anhui", "2022-12"));
        assert!(!date("on April 9 the parties", "2025-04-09"));
        assert!(!date("on April 9, 2024", "2025-04-09"));
        assert!(!date("on April 19, 2025", "2025-04-09"));
        assert!(!date("in April 2025", "2025-04-09"));
        assert!(!date("on March 9, 2025", "2025-04-09"));
        assert!(!date("in 2025", "2025-04"));
        assert!(!date("dated 2025-041", "2025-04"));
        assert!(!date("the 19 April visitors in 2025", "2025-04-19"));
    }

    #[test]
    fn recognises_partial_dates() {
        assert!(is_date("2025"));
        assert!(is_date("2025-04"));
        assert!(is_date("2025-04-09"));
        assert!(!is_date("20250"));
        assert!(!is_date("2025-4"));
        assert!(!is_date("Hong Kong"));
    }
}
