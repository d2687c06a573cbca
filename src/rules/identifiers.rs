//! External identifiers: ROR, ORCID, Wikidata, ISO 3166-1 country codes and
//! URLs, each checked for its format and, where it has one, its check digit.
//!
//! The model only bounds these strings (see `model::common`), so that a bad
//! one gets this specific finding with the reason, rather than a bare schema
//! pattern error. The identifier fields are listed per type below: their
//! schemas share a shape with plain text, so the schema cannot tell them apart.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::Context;
use crate::diag::{Code, Finding};
use crate::model::Record;

/// What kind of identifier a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Research Organization Registry id.
    Ror,
    /// ORCID iD.
    Orcid,
    /// Wikidata item id.
    Wikidata,
    /// ISO 3166-1 alpha-2 country code.
    Country,
    /// An `http` or `https` URL.
    Url,
}

impl Kind {
    /// What the identifier is called in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ror => "ROR id",
            Kind::Orcid => "ORCID iD",
            Kind::Wikidata => "Wikidata item id",
            Kind::Country => "ISO 3166-1 alpha-2 country code",
            Kind::Url => "URL",
        }
    }

    /// Why `value` is not a valid identifier of this kind.
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            Kind::Ror => check_ror(value),
            Kind::Orcid => check_orcid(value),
            Kind::Wikidata => check_wikidata(value),
            Kind::Country => check_country(value),
            Kind::Url => check_url(value),
        }
    }
}

/// The external identifiers of a record, as (pointer, kind, value).
pub fn identifiers(record: &Record) -> Vec<(&'static str, Kind, &str)> {
    fn add<'r>(
        out: &mut Vec<(&'static str, Kind, &'r str)>,
        pointer: &'static str,
        kind: Kind,
        value: Option<&'r str>,
    ) {
        if let Some(v) = value {
            out.push((pointer, kind, v));
        }
    }
    let mut out = Vec::new();
    let mut push = |pointer, kind, value| add(&mut out, pointer, kind, value);
    match record {
        Record::Organization(o) => {
            if let Some(ids) = &o.identifiers {
                push(
                    "/identifiers/ror",
                    Kind::Ror,
                    ids.ror.as_ref().map(|v| v.as_str()),
                );
                push(
                    "/identifiers/wikidata",
                    Kind::Wikidata,
                    ids.wikidata.as_ref().map(|v| v.as_str()),
                );
                push(
                    "/identifiers/website",
                    Kind::Url,
                    ids.website.as_ref().map(|v| v.as_str()),
                );
            }
        }
        Record::Person(p) => {
            if let Some(ids) = &p.identifiers {
                push(
                    "/identifiers/orcid",
                    Kind::Orcid,
                    ids.orcid.as_ref().map(|v| v.as_str()),
                );
                push(
                    "/identifiers/wikidata",
                    Kind::Wikidata,
                    ids.wikidata.as_ref().map(|v| v.as_str()),
                );
            }
        }
        Record::Place(p) => {
            push(
                "/country",
                Kind::Country,
                p.country.as_ref().map(|v| v.as_str()),
            );
            if let Some(ids) = &p.identifiers {
                push(
                    "/identifiers/wikidata",
                    Kind::Wikidata,
                    ids.wikidata.as_ref().map(|v| v.as_str()),
                );
            }
        }
        Record::Source(s) => push("/url", Kind::Url, s.url.as_ref().map(|v| v.as_str())),
        Record::Partnership(_)
        | Record::Lab(_)
        | Record::TalentProgram(_)
        | Record::Product(_)
        | Record::Event(_)
        | Record::Series(_)
        | Record::Fact(_)
        | Record::Withdrawn(_) => {}
    }
    out
}

/// Every external identifier has its registry's format and a correct check digit.
pub fn identifiers_are_valid(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (_, file, record) in cx.records() {
        for (pointer, kind, value) in identifiers(record) {
            if let Err(reason) = kind.check(value) {
                out.push(file.finding(
                    Code::IdentifierInvalid,
                    pointer,
                    format!("`{value}` is not a valid {}: {reason}", kind.name()),
                ));
            }
        }
    }
}

/// Crockford base32 digits, as ROR writes them: no `i`, `l`, `o` or `u`.
const CROCKFORD: &str = "0123456789abcdefghjkmnpqrstvwxyz";

/// A ROR id: `0`, six Crockford base32 digits, and two decimal digits that
/// are the ISO 7064 Mod 97-10 checksum of the number the six digits encode.
fn check_ror(value: &str) -> Result<(), String> {
    if let Some(rest) = value
        .strip_prefix("https://ror.org/")
        .or_else(|| value.strip_prefix("ror.org/"))
    {
        return Err(format!(
            "give the id alone, `{rest}`, without the `https://ror.org/` prefix"
        ));
    }
    if value.chars().count() != 9 {
        return Err(format!(
            "a ROR id has 9 characters, this one has {}",
            value.chars().count()
        ));
    }
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("ROR ids are written in lowercase".into());
    }
    if !value.starts_with('0') {
        return Err("a ROR id starts with `0`".into());
    }
    let (body, check) = value.split_at(7);
    let mut number: u64 = 0;
    for c in body[1..].chars() {
        let digit = CROCKFORD.find(c).ok_or_else(|| {
            format!("`{c}` is not a base32 digit (ROR uses 0-9 and a-z without i, l, o, u)")
        })?;
        number = number * 32 + digit as u64;
    }
    if !check.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a ROR id ends with two decimal check digits".into());
    }
    let expected = 98 - (number * 100) % 97;
    if check.parse::<u64>().ok() != Some(expected) {
        return Err(format!(
            "the check digits should be {expected:02}, not {check}"
        ));
    }
    Ok(())
}

/// An ORCID iD: four groups of four digits joined by `-`, the last character a
/// digit or `X`: the ISO 7064 Mod 11-2 check of the other fifteen digits.
fn check_orcid(value: &str) -> Result<(), String> {
    if let Some(rest) = value
        .strip_prefix("https://orcid.org/")
        .or_else(|| value.strip_prefix("http://orcid.org/"))
        .or_else(|| value.strip_prefix("orcid.org/"))
    {
        return Err(format!(
            "give the iD alone, `{rest}`, without the `https://orcid.org/` prefix"
        ));
    }
    let groups: Vec<&str> = value.split('-').collect();
    let shaped = groups.len() == 4
        && groups.iter().all(|g| g.len() == 4)
        && value.bytes().enumerate().all(|(i, b)| {
            b == b'-' && i % 5 == 4 || b.is_ascii_digit() || b == b'X' && i == value.len() - 1
        });
    if !shaped {
        return Err(
            "an ORCID iD is four groups of four digits, such as `0000-0002-1825-0097`".into(),
        );
    }
    let digits: Vec<u32> = value
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .collect();
    let total = digits[..15].iter().fold(0, |total, d| (total + d) * 2);
    let result = (12 - total % 11) % 11;
    let expected = if result == 10 {
        'X'
    } else {
        char::from_digit(result, 10).unwrap_or('?')
    };
    let last = value.chars().last().unwrap_or('?');
    if last != expected {
        return Err(format!(
            "the check character should be {expected}, not {last}"
        ));
    }
    Ok(())
}

/// A Wikidata item id: `Q` and a number without leading zeros.
fn check_wikidata(value: &str) -> Result<(), String> {
    if let Some(i) = value.find("wikidata.org/") {
        let rest = value[i..].rsplit('/').next().unwrap_or_default();
        return Err(format!("give the id alone, such as `{rest}`, not a link"));
    }
    let digits = value
        .strip_prefix('Q')
        .ok_or_else(|| match value.chars().next() {
            Some('q') => "the `Q` is a capital letter".to_string(),
            Some('P' | 'L') => {
                "that is a property or lexeme; an item id starts with `Q`".to_string()
            }
            _ => "an item id is `Q` followed by digits, such as `Q15568`".to_string(),
        })?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return Err(
            "an item id is `Q` followed by a number without leading zeros, such as `Q15568`".into(),
        );
    }
    Ok(())
}

/// Every ISO 3166-1 alpha-2 code officially assigned (249 of them).
pub const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO \
DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN \
HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT \
LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR \
NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN \
SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN \
VU WF WS YE YT ZA ZM ZW";

/// An officially assigned ISO 3166-1 alpha-2 code, in capitals.
fn check_country(value: &str) -> Result<(), String> {
    let upper = value.to_ascii_uppercase();
    let assigned = |code: &str| code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code);
    if assigned(value) {
        return Ok(());
    }
    if assigned(&upper) {
        return Err(format!("country codes are written in capitals: `{upper}`"));
    }
    match value.len() {
        3 if value.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Err("that looks like an alpha-3 code; use the two-letter alpha-2 code".into())
        }
        2 => Err("no country has this code in ISO 3166-1".into()),
        _ => Err("an ISO 3166-1 alpha-2 code is two capital letters, such as `CN`".into()),
    }
}

/// An absolute `http` or `https` URL with a host name or IP address, an
/// optional port, and no white space or characters that must be escaped.
fn check_url(value: &str) -> Result<(), String> {
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "it contains {}; encode it as %20 or remove it",
            describe_char(c)
        ));
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        return Err("it is not an absolute URL starting with `https://` or `http://`".into());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "the scheme is `{scheme}`; only `http` and `https` are allowed"
        ));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("it carries a user name or password before `@`; drop them".into());
    }
    let (host, port) = split_port(authority)?;
    if let Some(host) = host {
        check_host(host)?;
    }
    if let Some(port) = port
        && (port.is_empty()
            || port.len() > 5
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u32>().map_or(true, |p| p > 65535))
    {
        return Err(format!("`{port}` is not a port number"));
    }
    if let Some(c) = tail.chars().find(|c| matches!(c, '"' | '<' | '>' | '\\')) {
        return Err(format!("`{c}` must be percent-encoded in a URL"));
    }
    let bytes = tail.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%'
            && !(bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
        {
            return Err("`%` is not followed by two hexadecimal digits".into());
        }
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".to_string()
    } else {
        format!("the character U+{:04X}", u32::from(c))
    }
}

/// The host and the port (after `:`), if any, of an authority. The host is
/// `None` for an IPv6 literal, which is checked here.
fn split_port(authority: &str) -> Result<(Option<&str>, Option<&str>), String> {
    if let Some(inner) = authority.strip_prefix('[') {
        let (address, after) = inner
            .split_once(']')
            .ok_or_else(|| "the IPv6 address has no closing `]`".to_string())?;
        if address.parse::<Ipv6Addr>().is_err() {
            return Err(format!("`{address}` is not an IPv6 address"));
        }
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| "unexpected text after the IPv6 address".to_string())?,
            ),
        };
        return Ok((None, port));
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (Some(host), Some(port)),
        None => (Some(authority), None),
    })
}

/// A domain name (with at least two labels) or an IPv4 address.
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("it has no host name".into());
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host
            .parse::<Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| format!("`{host}` is not an IPv4 address"));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "`{host}` is not a full host name such as `www.example.org`"
        ));
    }
    for label in &labels {
        let fine = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| {
                c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii() && c.is_alphanumeric()
            });
        if !fine {
            return Err(format!("`{label}` is not a valid part of a host name"));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("`{host}` ends in a number, which no domain does"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ror_ids() {
        // Real ids: the examples on ror.org's own pages, HKUST, Harvard, MIT, CERN.
        for ok in [
            "03yrm5c26",
            "01k4yrm29",
            "04aj4c181",
            "00q4vv597",
            "03vek6s52",
            "042nb2s44",
            "01ggx4157",
        ] {
            assert_eq!(check_ror(ok), Ok(()), "{ok}");
        }
        assert!(check_ror("00q4vv598").unwrap_err().contains("should be 97"));
        assert!(check_ror("03yrm5c62").is_err(), "swapped check digits");
        assert!(check_ror("03yrm5d26").is_err(), "one base32 digit changed");
        assert!(check_ror("00q4vv59").unwrap_err().contains("9 characters"));
        assert!(
            check_ror("10q4vv597")
                .unwrap_err()
                .contains("starts with `0`")
        );
        assert!(check_ror("00Q4VV597").unwrap_err().contains("lowercase"));
        assert!(
            check_ror("00q4uv597")
                .unwrap_err()
                .contains("not a base32 digit")
        );
        assert!(check_ror("00q4vv5x7").unwrap_err().contains("decimal"));
        assert!(
            check_ror("https://ror.org/00q4vv597")
                .unwrap_err()
                .contains("without")
        );
    }

    #[test]
    fn orcid_ids() {
        // ORCID's documented examples, one of them ending in X.
        for ok in [
            "0000-0002-1825-0097",
            "0000-0001-5109-3700",
            "0000-0002-1694-233X",
        ] {
            assert_eq!(check_orcid(ok), Ok(()), "{ok}");
        }
        assert!(
            check_orcid("0000-0002-1825-0098")
                .unwrap_err()
                .contains("should be 7")
        );
        assert!(
            check_orcid("0000-0002-1694-2330")
                .unwrap_err()
                .contains("should be X")
        );
        assert!(check_orcid("0000-0002-1825-009").is_err());
        assert!(check_orcid("0000000218250097").is_err());
        assert!(check_orcid("000X-0002-1825-0097").is_err());
        assert!(
            check_orcid("https://orcid.org/0000-0002-1825-0097")
                .unwrap_err()
                .contains("without")
        );
    }

    #[test]
    fn wikidata_ids() {
        assert_eq!(check_wikidata("Q15568"), Ok(()));
        assert_eq!(check_wikidata("Q1"), Ok(()));
        for bad in [
            "q15568",
            "Q",
            "Q0123",
            "P31",
            "15568",
            "Q12a",
            "https://www.wikidata.org/wiki/Q15568",
        ] {
            assert!(check_wikidata(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn country_codes() {
        assert_eq!(COUNTRY_CODES.split(' ').count(), 249);
        for ok in ["CN", "HK", "MO", "US", "GB", "SS", "AQ", "BQ"] {
            assert_eq!(check_country(ok), Ok(()), "{ok}");
        }
        assert!(check_country("cn").unwrap_err().contains("capitals"));
        assert!(check_country("UK").unwrap_err().contains("no country"));
        assert!(check_country("XK").is_err(), "user-assigned, not ISO");
        assert!(check_country("CHN").unwrap_err().contains("alpha-3"));
        assert!(check_country("C").is_err());
    }

    #[test]
    fn urls() {
        for ok in [
            "https://hkust.edu.hk",
            "http://www.prnewswire.com/news-releases/x-302424242.html?tc=eml#top",
            "https://example.org:8443/a%20b",
            "https://例子.中国/路径",
            "https://93.184.216.34/",
            "https://[2001:db8::1]:443/x",
            "HTTPS://EXAMPLE.ORG",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ftp://example.org",
            "example.org",
            "https://",
            "https://localhost/",
            "https://exa mple.org",
            "https://example.org/a b",
            "https://-example.org",
            "https://example.org:99999",
            "https://example.org:",
            "https://user:pw@example.org",
            "https://example.org/%zz",
            "https://999.1.1.1/",
            "https://[::g]/",
            "https://example.123",
            "https://example.org/\"x\"",
            "mailto:x@example.org",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
