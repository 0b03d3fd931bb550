//! Text the mentor wrote (a programme profile, a session template): read bounded, and an error
//! that names the file, line and column.

use std::borrow::Cow;
use std::ops::Range;

use thiserror::Error;

/// Control, text-direction (bidi) and zero-width characters: never kept in a link, a name or a
/// programme field, and never printed raw, as they make one text look like another (or, on a
/// terminal, run commands of the terminal itself).
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` as it may be printed on a terminal: every hidden character ([`is_hidden_char`]) — ESC
/// and the sequences it starts, OSC, the C1 controls, BEL, carriage returns, bidi overrides —
/// becomes U+FFFD, except line breaks and tabs. The one sanitizer of everything the CLI prints
/// (templates, file names, errors, device names, contacts).
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t' || !is_hidden_char(c);
    if text.chars().all(keep) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if keep(c) { c } else { '\u{FFFD}' })
            .collect(),
    )
}

/// A profile or template that failed to load, with where and why.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{file}:{line}:{column}: {message}")]
pub struct TextError {
    /// The file (or the built-in profile's or template's name).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl TextError {
    /// An error at the byte range `span` of `text` (the contents of `file`).
    pub fn at(file: &str, text: &str, span: Range<usize>, message: String) -> Self {
        let (line, column) = line_col(text, span.start);
        TextError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }
}

/// Converts a byte offset in `text` to a 1-based line and column.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// Reads a text file the mentor wrote, at most `max` bytes (folders, devices and pipes are
/// refused before they are opened): its name for messages and its text, or an error about the
/// whole file.
pub fn read_text_file(path: &std::path::Path, max: u64) -> Result<(String, String), TextError> {
    let name = path.display().to_string();
    let whole = |message: String| TextError {
        file: name.clone(),
        line: 1,
        column: 1,
        message,
    };
    let bytes = preflight_store::read_bounded(path, max).map_err(|e| whole(e.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| whole("the file is not UTF-8 text; save it again as UTF-8".into()))?;
    Ok((name, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_text_keeps_lines_and_loses_terminal_controls() {
        let hostile = "Title\u{1b}]52;c;ZXZpbA==\u{7}\n\tnext \u{9b}2J \u{202E}evil\r";
        let shown = for_terminal(hostile);
        assert!(
            !shown
                .chars()
                .any(|c| c != '\n' && c != '\t' && is_hidden_char(c)),
            "{shown:?}"
        );
        assert!(shown.contains("\n\tnext"), "{shown:?}");
        assert!(matches!(for_terminal("plain\ntext"), Cow::Borrowed(_)));
    }

    #[test]
    fn positions_are_lines_and_characters_from_one() {
        let text = "a = 1\nbé = x\n";
        let e = TextError::at("f.toml", text, 10..11, "bad".into());
        assert_eq!((e.line, e.column), (2, 4));
        assert_eq!(e.to_string(), "f.toml:2:4: bad");
    }
}
