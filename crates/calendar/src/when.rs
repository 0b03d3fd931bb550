//! Times and dates as the mentor reads them: a 12- or 24-hour clock (their choice, else their
//! computer's), the month before or after the day (their computer's locale). Every time the app
//! shows a mentor is written here; the monitoring export keeps ISO dates and 24-hour times (a
//! form's columns, not a sentence).

use jiff::Zoned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How times and dates are written for this mentor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimeStyle {
    /// "2:30 PM" rather than "14:30".
    pub hour12: bool,
    /// "Sun, Dec 6" rather than "Sun 6 Dec".
    pub month_first: bool,
}

/// The mentor's clock choice (a setting): their computer's, or always 24 or 12 hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ClockChoice {
    /// As this computer's regional settings say (24 hours where they say nothing).
    #[default]
    Computer,
    /// Always 24 hours ("14:30").
    #[serde(rename = "24h")]
    H24,
    /// Always 12 hours ("2:30 PM").
    #[serde(rename = "12h")]
    H12,
}

impl ClockChoice {
    /// The choice named as the CLI takes it: `12`, `24` or `computer`.
    pub fn parse(s: &str) -> Option<ClockChoice> {
        match s.trim().to_ascii_lowercase().as_str() {
            "12" | "12h" => Some(ClockChoice::H12),
            "24" | "24h" => Some(ClockChoice::H24),
            "computer" | "system" | "auto" => Some(ClockChoice::Computer),
            _ => None,
        }
    }
}

impl TimeStyle {
    /// The style for `choice` on a computer whose locale says `hour12` and `month_first`
    /// (`None`: it says nothing; the house style is 24 hours, day before month).
    pub fn resolve(choice: ClockChoice, hour12: Option<bool>, month_first: Option<bool>) -> Self {
        TimeStyle {
            hour12: match choice {
                ClockChoice::H12 => true,
                ClockChoice::H24 => false,
                ClockChoice::Computer => hour12.unwrap_or(false),
            },
            month_first: month_first.unwrap_or(false),
        }
    }

    /// "14:30" or "2:30 PM".
    pub fn time(&self, t: &Zoned) -> String {
        if self.hour12 {
            t.strftime("%-I:%M %p").to_string()
        } else {
            t.strftime("%H:%M").to_string()
        }
    }

    /// "Sun 6 Dec" or "Sun, Dec 6".
    pub fn day(&self, t: &Zoned) -> String {
        if self.month_first {
            t.strftime("%a, %b %-d").to_string()
        } else {
            t.strftime("%a %-d %b").to_string()
        }
    }

    /// "Sun 6 Dec 14:30" or "Sun, Dec 6, 2:30 PM".
    pub fn day_time(&self, t: &Zoned) -> String {
        let sep = if self.month_first { ", " } else { " " };
        format!("{}{sep}{}", self.day(t), self.time(t))
    }

    /// "Sun 6 Dec 2026 14:30" or "Sun, Dec 6, 2026, 2:30 PM".
    pub fn day_year_time(&self, t: &Zoned) -> String {
        if self.month_first {
            format!("{}, {}, {}", self.day(t), t.year(), self.time(t))
        } else {
            format!("{} {} {}", self.day(t), t.year(), self.time(t))
        }
    }

    /// "Sunday 6 December at 14:30" or "Sunday, December 6 at 2:30 PM".
    pub fn long_day_time(&self, t: &Zoned) -> String {
        let day = if self.month_first {
            t.strftime("%A, %B %-d")
        } else {
            t.strftime("%A %-d %B")
        };
        format!("{day} at {}", self.time(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Zoned {
        s.parse().unwrap()
    }

    const UK: TimeStyle = TimeStyle {
        hour12: false,
        month_first: false,
    };
    const US: TimeStyle = TimeStyle {
        hour12: true,
        month_first: true,
    };

    #[test]
    fn times_follow_the_clock_and_dates_the_order() {
        let t = at("2026-12-06T14:30:00[Europe/London]");
        assert_eq!(UK.time(&t), "14:30");
        assert_eq!(US.time(&t), "2:30 PM");
        assert_eq!(UK.day_time(&t), "Sun 6 Dec 14:30");
        assert_eq!(US.day_time(&t), "Sun, Dec 6, 2:30 PM");
        assert_eq!(UK.day_year_time(&t), "Sun 6 Dec 2026 14:30");
        assert_eq!(US.day_year_time(&t), "Sun, Dec 6, 2026, 2:30 PM");
        assert_eq!(UK.long_day_time(&t), "Sunday 6 December at 14:30");
        assert_eq!(US.long_day_time(&t), "Sunday, December 6 at 2:30 PM");
        // Midnight and noon on a 12-hour clock; a morning on a 24-hour one keeps its zero.
        assert_eq!(US.time(&at("2026-12-06T00:05:00[UTC]")), "12:05 AM");
        assert_eq!(US.time(&at("2026-12-06T12:00:00[UTC]")), "12:00 PM");
        assert_eq!(UK.time(&at("2026-12-06T09:02:00[UTC]")), "09:02");
        // A 12-hour clock with the day first (Australia), and the reverse.
        let au = TimeStyle {
            hour12: true,
            month_first: false,
        };
        assert_eq!(au.day_time(&t), "Sun 6 Dec 2:30 PM");
    }

    #[test]
    fn the_choice_wins_over_the_computer_and_nothing_said_is_the_house_style() {
        use ClockChoice::*;
        assert_eq!(TimeStyle::resolve(Computer, None, None), UK);
        assert_eq!(TimeStyle::resolve(Computer, Some(true), Some(true)), US);
        assert!(!TimeStyle::resolve(H24, Some(true), Some(true)).hour12);
        assert!(TimeStyle::resolve(H12, Some(false), None).hour12);
        assert!(TimeStyle::resolve(H24, Some(true), Some(true)).month_first);
        assert_eq!(ClockChoice::parse("12"), Some(H12));
        assert_eq!(ClockChoice::parse(" 24H "), Some(H24));
        assert_eq!(ClockChoice::parse("computer"), Some(Computer));
        assert_eq!(ClockChoice::parse("13"), None);
        // Saved as the settings file writes it.
        assert_eq!(serde_json::to_string(&H12).unwrap(), "\"12h\"");
        assert_eq!(
            serde_json::from_str::<ClockChoice>("\"computer\"").unwrap(),
            Computer
        );
    }
}
