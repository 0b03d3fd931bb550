//! How the mentor's computer writes times and dates: a 12- or 24-hour clock, and whether the
//! month comes before the day. Read from the system's own locale settings (Linux: the `LC_TIME`
//! locale's `T_FMT`/`D_FMT`; Windows: the user's `LOCALE_STIMEFORMAT`/`LOCALE_SSHORTDATE`) by
//! [`crate::Platform::locale_times`]; the pure readers of those patterns live here.

use serde::{Deserialize, Serialize};

/// What the system's locale says about writing times and dates; `None` where it says nothing
/// (the C locale, a locale that is not installed, a pattern that names neither).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocaleTimes {
    /// A 12-hour clock with AM/PM ("2:30 PM") rather than 24 hours ("14:30").
    pub hour12: Option<bool>,
    /// The month before the day ("Dec 6", US) rather than after ("6 Dec").
    pub month_first: Option<bool>,
}

/// Which of day, month and year a date pattern names first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Day,
    Month,
    Year,
}

/// A POSIX locale's time and date patterns (`nl_langinfo(T_FMT)`, `nl_langinfo(D_FMT)`): `%I`,
/// `%l` and `%r` are a 12-hour clock, `%H`, `%k`, `%T` and `%R` a 24-hour one; `%D` is
/// month/day/year, `%F` year-month-day.
pub fn from_posix(t_fmt: &str, d_fmt: &str) -> LocaleTimes {
    let mut hour12 = None;
    for c in conversions(t_fmt) {
        match c {
            'I' | 'l' | 'r' => hour12 = Some(true),
            'H' | 'k' | 'T' | 'R' => hour12 = Some(false),
            _ => continue,
        }
        break;
    }
    let first = conversions(d_fmt).find_map(|c| match c {
        'd' | 'e' => Some(Part::Day),
        'm' | 'b' | 'B' | 'h' | 'D' => Some(Part::Month),
        'Y' | 'y' | 'F' | 'C' | 'G' => Some(Part::Year),
        _ => None,
    });
    LocaleTimes {
        hour12,
        month_first: first.map(|p| p == Part::Month),
    }
}

/// The conversion letters of a `strftime` pattern, in order (`%-d`, `%Ey` and `%Od` count as
/// `d`, `y`, `d`; `%%` is a literal).
fn conversions(pattern: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = pattern.chars();
    std::iter::from_fn(move || loop {
        if chars.next()? != '%' {
            continue;
        }
        let mut c = chars.next()?;
        while matches!(c, '-' | '_' | '0' | '^' | '#' | 'E' | 'O') || c.is_ascii_digit() {
            c = chars.next()?;
        }
        if c != '%' {
            return Some(c);
        }
    })
}

/// Windows' user patterns (`LOCALE_STIMEFORMAT`, e.g. `h:mm:ss tt`; `LOCALE_SSHORTDATE`, e.g.
/// `M/d/yyyy`): `h` is a 12-hour clock, `H` a 24-hour one; text in single quotes is literal.
pub fn from_windows(time_format: &str, short_date: &str) -> LocaleTimes {
    let hour12 = unquoted(time_format).find_map(|c| match c {
        'h' => Some(true),
        'H' => Some(false),
        _ => None,
    });
    let first = unquoted(short_date).find_map(|c| match c {
        'd' => Some(Part::Day),
        'M' => Some(Part::Month),
        'y' | 'g' => Some(Part::Year),
        _ => None,
    });
    LocaleTimes {
        hour12,
        month_first: first.map(|p| p == Part::Month),
    }
}

/// The characters of a Windows pattern outside its single-quoted literals.
fn unquoted(pattern: &str) -> impl Iterator<Item = char> + '_ {
    let mut quoted = false;
    pattern.chars().filter(move |&c| {
        if c == '\'' {
            quoted = !quoted;
            return false;
        }
        !quoted
    })
}

/// Whether a POSIX locale name is the C locale (no preference of its own: the app's house style
/// applies, not C's American-looking `%m/%d/%y`).
pub fn is_c_locale(name: &str) -> bool {
    let base = name.split(['.', '@']).next().unwrap_or("");
    base.is_empty() || base == "C" || base == "POSIX"
}

/// The locale that decides `LC_TIME` from the environment's values of `LC_ALL`, `LC_TIME` and
/// `LANG`, in POSIX's order (the first one set and not empty).
pub fn lc_time_name<'a>(
    lc_all: Option<&'a str>,
    lc_time: Option<&'a str>,
    lang: Option<&'a str>,
) -> &'a str {
    [lc_all, lc_time, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(hour12: bool, month_first: bool) -> LocaleTimes {
        LocaleTimes {
            hour12: Some(hour12),
            month_first: Some(month_first),
        }
    }

    #[test]
    fn glibc_locales_say_their_clock_and_date_order() {
        // What `locale -k t_fmt d_fmt` prints for each.
        assert_eq!(from_posix("%r", "%m/%d/%Y"), lt(true, true)); // en_US
        assert_eq!(from_posix("%T", "%d/%m/%y"), lt(false, false)); // en_GB
        assert_eq!(from_posix("%T", "%d.%m.%Y"), lt(false, false)); // de_DE
        assert_eq!(from_posix("%I:%M:%S %p", "%d/%m/%Y"), lt(true, false)); // en_AU
        assert_eq!(from_posix("%l:%M:%S %p", "%D"), lt(true, true));
        assert_eq!(from_posix("%H:%M:%S", "%F"), lt(false, false)); // year first: not month
        assert_eq!(from_posix("%H時%M分%S秒", "%Y年%m月%d日"), lt(false, false)); // ja_JP
        assert_eq!(from_posix("%-I.%M", "%-m/%-d/%y"), lt(true, true));
        assert_eq!(from_posix("%Ol %%H", "%Od"), lt(true, false));
        assert_eq!(from_posix("", "no date here"), LocaleTimes::default());
        assert_eq!(from_posix("%", "%"), LocaleTimes::default());
    }

    #[test]
    fn windows_patterns_say_their_clock_and_date_order() {
        assert_eq!(from_windows("h:mm:ss tt", "M/d/yyyy"), lt(true, true)); // en-US
        assert_eq!(from_windows("HH:mm:ss", "dd/MM/yyyy"), lt(false, false)); // en-GB
        assert_eq!(from_windows("HH:mm:ss", "yyyy-MM-dd"), lt(false, false)); // sv-SE
        assert_eq!(from_windows("tt h:mm:ss", "yyyy/M/d"), lt(true, false)); // zh-CN-like
                                                                             // Quoted text is literal: the 'h' of "'heure'" names no hour.
        assert_eq!(
            from_windows("'heure' HH:mm", "'Month' d.M.yyyy"),
            lt(false, false)
        );
        assert_eq!(from_windows("", ""), LocaleTimes::default());
    }

    #[test]
    fn the_c_locale_has_no_preference_and_lc_all_wins() {
        for c in ["", "C", "POSIX", "C.UTF-8", "C.utf8"] {
            assert!(is_c_locale(c), "{c}");
        }
        for l in ["en_US.UTF-8", "en_GB", "de_DE@euro", "Chinese"] {
            assert!(!is_c_locale(l), "{l}");
        }
        assert_eq!(
            lc_time_name(Some("en_US.UTF-8"), Some("en_GB.UTF-8"), None),
            "en_US.UTF-8"
        );
        assert_eq!(
            lc_time_name(Some(""), Some("en_GB.UTF-8"), Some("C")),
            "en_GB.UTF-8"
        );
        assert_eq!(lc_time_name(None, None, Some("de_DE.UTF-8")), "de_DE.UTF-8");
        assert_eq!(lc_time_name(None, None, None), "");
    }
}
