//! Text from outside (calendars, feeds, files) made safe to show and to print.

pub use preflight_programme::text::{for_terminal, is_hidden_char};

/// Text from outside (a calendar title, a typed name, a feed address) made safe to store and to
/// print on a terminal: control characters (ESC and the terminal sequences it starts, BEL,
/// newlines) and bidirectional overrides become spaces, runs of white space fold to one, and it
/// is cut to `max` characters.
pub fn clean_text(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    let mut count = 0;
    let mut space = false;
    for c in s.chars() {
        if is_hidden_char(c) || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if count >= max {
            break;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
            if count >= max {
                break;
            }
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_strips_terminal_controls_and_bounds_length() {
        assert_eq!(clean_text("  Sam\t\r\n Jones ", 50), "Sam Jones");
        assert_eq!(clean_text("\u{1b}[31mred\u{1b}[0m", 50), "[31mred [0m");
        assert_eq!(clean_text("\u{9b}2Jx", 50), "2Jx");
        assert_eq!(clean_text("abcdef", 3), "abc");
        assert_eq!(clean_text("ab cdef", 3), "ab ");
        assert_eq!(clean_text("ééééé", 2), "éé");
    }
}
