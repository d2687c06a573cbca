//! The stretch of a source line that the human report shows under a
//! finding. A file's lines are found once, a column is turned into a byte
//! offset from the last one found on the same line, and a long line is cut
//! to what the renderer can show before the renderer reads it, so that many
//! findings on one long line (a minified record) cost about one pass over
//! it, not one per finding.

use std::borrow::Cow;
use std::ops::Range;

/// The width long source lines are cut to around their marker.
pub(super) const WIDTH: usize = 140;

/// How many characters between a line's leading whitespace and its mark
/// are kept. The renderer places its window by the mark, its label and the
/// leading whitespace; past `WIDTH` characters of other text before the
/// mark, what lies further left is never shown and does not move the
/// window, so only the column it prints needs mending.
pub(super) const BEFORE: usize = 2 * WIDTH;

/// A file's text, where its lines start, and the last place found on one
/// of them.
pub(super) struct Source<'a> {
    text: &'a str,
    /// The byte each line starts at; the lines are those of `str::lines`.
    starts: Vec<usize>,
    at: Option<At>,
}

/// A place found on a line: the line's number and leading whitespace
/// (bytes, characters), and the place (characters, bytes from the line's
/// start).
#[derive(Debug, Clone, Copy)]
struct At {
    line: u32,
    lead: (usize, usize),
    chars: usize,
    byte: usize,
}

/// What the renderer is given for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Excerpt {
    /// The kept text, each control character shown as one visible one.
    pub text: String,
    /// The marked bytes of `text`.
    pub mark: Range<usize>,
    /// The 1-based character column of the mark in the whole line.
    pub column: usize,
    /// How many characters before the mark were left out: the column the
    /// renderer prints is short by this many.
    pub dropped: usize,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() == Some(&text.len()) {
            starts.pop();
        }
        Source {
            text,
            starts,
            at: None,
        }
    }

    /// Line `n` (1-based), as `str::lines` gives it.
    fn line(&self, n: u32) -> Option<&'a str> {
        let i = (n as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&next| next);
        let line = &self.text[start..end];
        Some(match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        })
    }

    /// The excerpt of line `line` for a mark on the JSON token at 1-based
    /// character `column` (or the line's end), or `None` when the file has
    /// no such line.
    pub fn excerpt(&mut self, line: u32, column: u32) -> Option<Excerpt> {
        self.excerpt_keeping(line, column, BEFORE)
    }

    /// The excerpt of line `line`, keeping at most `before` characters
    /// between its leading whitespace and the mark.
    fn excerpt_keeping(&mut self, line: u32, column: u32, before: usize) -> Option<Excerpt> {
        let text = self.line(line)?;
        let at = self.place(line, text, column as usize);
        let end = at.byte + token_len(&text[at.byte..]);
        Some(cut(text, at, end, before))
    }

    /// Character `column - 1` of `text`, line `line`, or the line's end;
    /// counted on from the last place found when that lies on the same
    /// line before it, as it does for findings in order.
    fn place(&mut self, line: u32, text: &str, column: usize) -> At {
        let want = column.saturating_sub(1);
        let from = match self.at {
            Some(at) if at.line == line && at.chars <= want => at,
            _ => At {
                line,
                lead: leading(text),
                chars: 0,
                byte: 0,
            },
        };
        let (mut chars, mut byte) = (from.chars, from.byte);
        for c in text[byte..].chars() {
            if chars == want {
                break;
            }
            chars += 1;
            byte += c.len_utf8();
        }
        let at = At {
            chars,
            byte,
            ..from
        };
        self.at = Some(at);
        at
    }
}

/// The leading whitespace of `line` as the renderer counts it (bytes,
/// characters): control characters are shown as visible ones, so they end it.
fn leading(line: &str) -> (usize, usize) {
    let mut out = (0, 0);
    for c in line.chars() {
        if !c.is_whitespace() || c.is_control() {
            break;
        }
        out = (out.0 + c.len_utf8(), out.1 + 1);
    }
    out
}

/// How many bytes of the JSON token at the start of `rest` to underline.
/// A control character never ends a token: the renderer shows it as a
/// visible one.
fn token_len(rest: &str) -> usize {
    match rest.chars().next() {
        None => 0,
        Some('"') => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return i + 1,
                    _ => escaped = false,
                }
            }
            rest.len()
        }
        Some('{' | '[') => 1,
        Some(first) => rest
            .find([',', '}', ']', ' '])
            .unwrap_or(rest.len())
            .max(first.len_utf8()),
    }
}

/// `line` as the renderer needs it to show the mark from `at` to byte
/// `end`. The renderer shows at most `WIDTH` characters of a line, a mark
/// longer than that by its two ends with `...` between them, but it reads
/// all of the line it is given. So left out are: the middle of a long mark,
/// the line past `WIDTH` characters after the mark, and, past `before`
/// characters, the text between the leading whitespace and the mark.
fn cut(line: &str, at: At, end: usize, before: usize) -> Excerpt {
    let start = at.byte;
    // The byte `n` characters after byte `from` of `line`, or its end.
    let after = |from: usize, n: usize| {
        line[from..]
            .char_indices()
            .nth(n)
            .map_or(line.len(), |(i, _)| from + i)
    };
    let gap = at.chars.saturating_sub(at.lead.1);
    let (prefix, dropped) = if gap > before {
        let from = line[..start]
            .char_indices()
            .rev()
            .nth(before - 1)
            .map_or(start, |(i, _)| i);
        let kept = [
            visible_line(&line[..at.lead.0]),
            visible_line(&line[from..start]),
        ];
        (kept.concat(), gap - before)
    } else {
        (visible_line(&line[..start]).into_owned(), 0)
    };
    let head = after(start, WIDTH);
    let tail = line[..end]
        .char_indices()
        .rev()
        .nth(WIDTH - 1)
        .map_or(start, |(i, _)| i);
    let mark = if head >= tail {
        visible_line(&line[start..end])
    } else {
        Cow::Owned(
            [
                visible_line(&line[start..head]),
                visible_line(&line[tail..end]),
            ]
            .concat(),
        )
    };
    let rest = visible_line(&line[end..after(end, WIDTH)]);
    Excerpt {
        mark: prefix.len()..prefix.len() + mark.len(),
        text: [prefix.as_str(), &mark, &rest].concat(),
        column: at.chars + 1,
        dropped,
    }
}

/// A line of a file with each control character shown as one visible
/// character (a control picture such as `␛`, or `�`), so that columns
/// still match the line's characters.
fn visible_line(line: &str) -> Cow<'_, str> {
    if !line.chars().any(char::is_control) {
        return Cow::Borrowed(line);
    }
    line.chars()
        .map(|c| match u32::from(c) {
            code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

/// The excerpt of the only line of `line` for a mark at `column`, keeping
/// `before` characters between its leading whitespace and the mark.
#[cfg(test)]
pub(super) fn excerpt_keeping(line: &str, column: u32, before: usize) -> Excerpt {
    Source::new(line)
        .excerpt_keeping(1, column, before)
        .expect("a line to excerpt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_those_of_str_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb",
            "a\n\r\nb\r",
            "\n\nx\r\n\r\n",
            "é\r\r\nü",
        ] {
            let source = Source::new(text);
            let ours: Vec<&str> = (1..).map_while(|n| source.line(n)).collect();
            assert_eq!(ours, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn marks_the_value() {
        let line = r#"  "name": "Hong \"K\"","#;
        let e = excerpt_keeping(line, 11, BEFORE);
        assert_eq!(&e.text[e.mark.clone()], r#""Hong \"K\"""#);
        assert_eq!((e.column, e.dropped), (11, 0));
        let e = excerpt_keeping("ab", 2, BEFORE);
        assert_eq!(e.mark, 1..2);
        let long = format!("{}x", "é".repeat(500));
        let e = excerpt_keeping(&long, 501, usize::MAX);
        assert_eq!(&e.text[e.mark.clone()], "x");
        // A tab is shown as a visible character and does not end a token.
        let e = excerpt_keeping("\"k\": 1\t, 2", 6, BEFORE);
        assert_eq!(&e.text[e.mark.clone()], "1\u{2409}");
    }

    #[test]
    fn a_long_mark_keeps_its_ends_and_what_comes_before_it() {
        let value = format!(
            "\"{}{}{}\"",
            "h".repeat(WIDTH),
            "m".repeat(10_000),
            "t".repeat(WIDTH)
        );
        let line = format!("  \"name\": {value}, {}", "r".repeat(10_000));
        let e = excerpt_keeping(&line, 11, BEFORE);
        let tail = "t".repeat(WIDTH - 1) + "\"";
        assert_eq!(
            &e.text[..e.mark.end],
            format!("  \"name\": \"{}{tail}", "h".repeat(WIDTH - 1))
        );
        assert_eq!(
            &e.text[e.mark.end..],
            format!(", {}", "r".repeat(WIDTH - 2))
        );
        // A short mark and a short line are left whole.
        let short = r#"  "kind": "nowhere","#;
        let e = excerpt_keeping(short, 11, BEFORE);
        assert_eq!((e.text.as_str(), e.mark), (short, 10..19));
    }

    #[test]
    fn a_long_way_before_the_mark_keeps_the_leading_whitespace_and_what_is_near() {
        let line = format!("    {}\"x\"", "a\u{1b}é".repeat(400));
        let e = excerpt_keeping(&line, 1205, 10);
        assert_eq!(&e.text[e.mark.clone()], "\"x\"");
        assert_eq!(
            &e.text[..e.mark.start],
            "    éa\u{241b}éa\u{241b}éa\u{241b}é"
        );
        assert_eq!((e.column, e.dropped), (1205, 1190));
    }

    #[test]
    fn places_found_in_order_or_not_are_the_same() {
        let text = "[1, \"é\", 22,\n  \"ü\",  3]";
        let mut source = Source::new(text);
        let fresh = |line, column| Source::new(text).excerpt(line, column);
        for (line, column) in [
            (1, 5),
            (1, 2),
            (1, 10),
            (2, 3),
            (2, 9),
            (2, 100),
            (1, 1),
            (3, 1),
        ] {
            assert_eq!(
                source.excerpt(line, column),
                fresh(line, column),
                "{line}:{column}"
            );
        }
    }
}
