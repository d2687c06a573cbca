//! "Did you mean": the candidate closest to a misspelled word.
//!
//! One measure for every suggestion a finding makes (reference ids, enum
//! values, property names, collection folders), so they agree on what
//! counts as a likely typo.

/// The candidate closest to `word` when one is close enough to be a likely
/// typo (at most a third of its characters differ, transpositions counting
/// once); ties go to the first in `candidates` order by distance, then name.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(word.len()) <= limit)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_likely_typos_only() {
        let names = ["fields", "focus", "founded"];
        assert_eq!(closest("feilds", names), Some("fields"));
        assert_eq!(
            closest("organisations", ["organizations", "people"]),
            Some("organizations")
        );
        assert_eq!(closest("corporation", ["company", "university"]), None);
        assert_eq!(closest("nmae", ["name", "note"]), Some("name"));
    }
}
