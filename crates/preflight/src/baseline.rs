//! The mentor's own usual: this check's figures against the same figures of their last checks
//! (numbers only, from the records), said where something is clearly unlike them — "Your upload
//! is 4 Mbps, a third of your usual 12", "You are not on a cable today; you usually are", "The
//! room is noisier than usual". Pure: the history is passed in ([`usual_for`] reads it).

use jiff::Timestamp;
use serde::Serialize;
use ts_rs::TS;

use crate::context::Context;
use crate::records::Figures;

/// How many earlier checks the usual is made of.
pub const HISTORY: usize = 30;

/// The fewest earlier checks with a figure before it has a usual.
pub const AT_LEAST: usize = 3;

/// The median of the `Some` values `pick` finds in `history`, when there are at least
/// [`AT_LEAST`].
fn usual(history: &[Figures], pick: impl Fn(&Figures) -> Option<f64>) -> Option<f64> {
    let v: Vec<f64> = history.iter().filter_map(&pick).collect();
    if v.len() < AT_LEAST {
        return None;
    }
    preflight_net::capacity::median(&v)
}

/// "half", "a third", … of a usual figure, the nearest plain fraction to `ratio` (< 0.6).
fn fraction_words(ratio: f64) -> &'static str {
    const WORDS: [(f64, &str); 5] = [
        (0.5, "half"),
        (1.0 / 3.0, "a third"),
        (0.25, "a quarter"),
        (0.2, "a fifth"),
        (0.1, "a tenth"),
    ];
    let mut best = WORDS[0];
    for w in WORDS {
        if (w.0 - ratio).abs() < (best.0 - ratio).abs() {
            best = w;
        }
    }
    if ratio < 0.075 {
        "a small part"
    } else {
        best.1
    }
}

/// A level in dBFS, whole, with a real minus sign ("−45").
fn signed(v: f64) -> String {
    format!("{v:.0}").replace('-', "−")
}

/// Mbps as people read it: one decimal under 10, whole above.
fn mbps(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// What is clearly unlike the mentor's usual in `now`, against `history` (their earlier checks,
/// newest first; at most [`HISTORY`] are used), in plain sentences; nothing while there are
/// fewer than [`AT_LEAST`] earlier figures of a kind, or when today is like them.
pub fn compare(now: &Figures, history: &[Figures]) -> Vec<String> {
    let history = &history[..history.len().min(HISTORY)];
    let mut said = Vec::new();
    // The upload carries the mentor's video.
    let mut slow_up = false;
    if let (Some(up), Some(was)) = (now.up_mbps, usual(history, |f| f.up_mbps)) {
        if was >= 1.0 && up < 0.6 * was {
            slow_up = true;
            said.push(format!(
                "Your upload is {} Mbps, {} of your usual {} — someone at home may be streaming or uploading, or the line is busy.",
                mbps(up),
                fraction_words(up / was),
                mbps(was)
            ));
        }
    }
    if let (Some(down), Some(was)) = (now.down_mbps, usual(history, |f| f.down_mbps)) {
        // Said on its own only: a slow upload already says the line is busy.
        if was >= 1.0 && down < 0.6 * was && !slow_up {
            said.push(format!(
                "Your download is {} Mbps, {} of your usual {}.",
                mbps(down),
                fraction_words(down / was),
                mbps(was)
            ));
        }
    }
    if let (Some(rtt), Some(was)) = (now.rtt_ms, usual(history, |f| f.rtt_ms)) {
        if rtt >= 2.0 * was && rtt - was >= 30.0 {
            said.push(format!(
                "The delay to the internet is {rtt:.0} ms, against your usual {was:.0} ms: something on this network is slowing calls today."
            ));
        }
    }
    if let (Some(loss), Some(was)) = (now.loss_pct, usual(history, |f| f.loss_pct)) {
        if loss >= 2.0 && was < 0.5 {
            said.push(format!(
                "{loss:.0}% of the test packets were lost; usually none are."
            ));
        }
    }
    // A cable the mentor usually uses and does not today.
    let wired: Vec<bool> = history.iter().filter_map(|f| f.wired).collect();
    if now.wired == Some(false)
        && wired.len() >= AT_LEAST
        && wired.iter().filter(|w| **w).count() * 3 >= wired.len() * 2
    {
        said.push(
            "You are not on a network cable today; you usually are. Plug it in if you can.".into(),
        );
    }
    if let (Some(floor), Some(was)) = (now.noise_floor_dbfs, usual(history, |f| f.noise_floor_dbfs))
    {
        if floor >= was + 8.0 {
            said.push(format!(
                "The room is noisier than usual ({} dBFS in the pauses, against your usual {}): close a door or a window, or move somewhere quieter.",
                signed(floor),
                signed(was)
            ));
        }
    }
    said
}

/// One earlier check on the window's history chart.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryPoint {
    /// When it finished.
    #[ts(type = "string")]
    pub at: Timestamp,
    /// Its figures.
    pub figures: Figures,
}

/// The figures of the last [`HISTORY`] checks recorded before `before`, newest first (none
/// when the records cannot be read: a comparison is never a reason to stop).
pub fn history_before(ctx: &Context, before: Timestamp) -> Vec<HistoryPoint> {
    match ctx
        .db()
        .and_then(|mut db| db.checks_before(before, HISTORY))
    {
        Ok(checks) => checks
            .into_iter()
            .map(|c| HistoryPoint {
                at: c.at,
                figures: c.figures,
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "earlier checks not read");
            Vec::new()
        }
    }
}

/// The sentences for `now` against the mentor's checks before `before`.
pub fn usual_for(ctx: &Context, now: &Figures, before: Timestamp) -> Vec<String> {
    let history: Vec<Figures> = history_before(ctx, before)
        .into_iter()
        .map(|p| p.figures)
        .collect();
    compare(now, &history)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usual_line() -> Figures {
        Figures {
            rtt_ms: Some(20.0),
            jitter_ms: Some(2.0),
            loss_pct: Some(0.0),
            up_mbps: Some(12.0),
            down_mbps: Some(60.0),
            noise_floor_dbfs: Some(-62.0),
            wired: Some(true),
        }
    }

    #[test]
    fn a_day_like_the_others_says_nothing() {
        let history = vec![usual_line(); 10];
        let mut today = usual_line();
        today.up_mbps = Some(10.5);
        today.rtt_ms = Some(31.0);
        today.noise_floor_dbfs = Some(-57.0);
        assert!(compare(&today, &history).is_empty());
    }

    #[test]
    fn a_slow_upload_is_said_against_the_usual() {
        let history = vec![usual_line(); 10];
        let mut today = usual_line();
        today.up_mbps = Some(4.0);
        assert_eq!(
            compare(&today, &history),
            ["Your upload is 4.0 Mbps, a third of your usual 12 — someone at home may be streaming or uploading, or the line is busy."]
        );
        today.up_mbps = Some(1.2);
        assert!(compare(&today, &history)[0].contains("a tenth of your usual 12"));
    }

    #[test]
    fn wifi_delay_loss_and_noise_are_said_when_unlike_the_usual() {
        let history = vec![usual_line(); 6];
        let today = Figures {
            rtt_ms: Some(95.0),
            loss_pct: Some(4.0),
            noise_floor_dbfs: Some(-45.0),
            wired: Some(false),
            ..usual_line()
        };
        let said = compare(&today, &history);
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[0].starts_with("The delay to the internet is 95 ms, against your usual 20 ms"));
        assert!(said[1].starts_with("4% of the test packets were lost"));
        assert!(said[2].starts_with("You are not on a network cable today; you usually are."));
        assert!(said[3].starts_with(
            "The room is noisier than usual (−45 dBFS in the pauses, against your usual −62)"
        ));
    }

    #[test]
    fn no_usual_before_three_checks_and_only_from_the_figures_measured() {
        let mut today = usual_line();
        today.up_mbps = Some(2.0);
        assert!(compare(&today, &vec![usual_line(); 2]).is_empty());
        // Earlier checks that did not measure the upload (switched off) make no usual.
        let mut no_speed = usual_line();
        no_speed.up_mbps = None;
        let mut history = vec![no_speed; 8];
        history.extend(vec![usual_line(); 2]);
        assert!(compare(&today, &history).is_empty());
        history.push(usual_line());
        assert_eq!(compare(&today, &history).len(), 1);
        // A mentor usually on Wi‑Fi is not told about a cable.
        let mut wifi = usual_line();
        wifi.wired = Some(false);
        assert!(compare(&wifi, &vec![wifi; 5]).is_empty());
    }

    #[test]
    fn only_the_last_thirty_checks_count() {
        // Long ago the line was fast; lately it is 3 Mbps up: 3 Mbps is the usual now.
        let mut lately = usual_line();
        lately.up_mbps = Some(3.0);
        let mut history = vec![lately; HISTORY];
        history.extend(vec![usual_line(); 100]);
        let mut today = usual_line();
        today.up_mbps = Some(2.9);
        assert!(compare(&today, &history).is_empty());
    }
}
