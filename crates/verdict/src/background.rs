//! The background behind the mentor: how busy it is, and where.

use crate::thresholds::background as bg;
use preflight_model::{CheckId, CheckResult, Detail, Status};
use preflight_scene::SceneAnalysis;

/// Verdict for the background busyness of a frame.
pub fn background(a: &SceneAnalysis) -> CheckResult {
    let details = vec![
        Detail::number(
            "score",
            "Busyness (0 plain – 100 very busy)",
            a.score as f64,
            "",
            0,
        ),
        Detail::number(
            "edge_density",
            "Edge density",
            a.edge_density as f64 * 100.0,
            "%",
            1,
        ),
        Detail::number(
            "jpeg_bpp",
            "Compressed size",
            a.jpeg_bpp as f64,
            "bits/pixel",
            2,
        ),
        Detail::number("colour_variety", "Colours", a.colour_variety as f64, "", 0),
        Detail::number(
            "scenery_share",
            "Outdoor colours (sky, water, foliage, sand)",
            a.scenery_share as f64 * 100.0,
            "%",
            0,
        ),
    ];
    let where_ = a
        .busiest_region
        .as_deref()
        .map(|r| format!(" The {r} part of the picture is the busiest."))
        .unwrap_or_default();
    // A scene is named only when its layout says it is one; otherwise only its colour is said.
    let colour = a.vivid_colour.as_deref().unwrap_or("bright");
    let scenery_too = match (a.scenery, a.scenery_kind.as_deref()) {
        (false, _) => String::new(),
        (true, Some(kind)) => format!(" It also looks like an outdoor or holiday scene ({kind})."),
        (true, None) => format!(" Strong {colour} colour fills much of it."),
    };
    let (status, summary, advice) = if a.score >= bg::FAIL_SCORE {
        (
            Status::Fail,
            format!("Your background is very busy (score {:.0}/100).{where_}{scenery_too}", a.score),
            Some("Tidy what is behind you, turn to face a plain wall, or use the call app's background blur."),
        )
    } else if a.score >= bg::WARN_SCORE {
        (
            Status::Warn,
            format!(
                "Your background is a little busy (score {:.0}/100).{where_}{scenery_too}",
                a.score
            ),
            Some("Consider tidying what is behind you or sitting with a plainer wall behind you."),
        )
    } else if a.scenery {
        match a.scenery_kind.as_deref() {
            Some(kind) => (
                Status::Warn,
                format!(
                    "Your background looks like an outdoor or holiday scene ({kind}): it can distract even when it is calm."
                ),
                Some("Choose a plain wall or a neutral virtual background instead of scenery such as a beach or a meadow."),
            ),
            None => (
                Status::Warn,
                format!(
                    "Strong {colour} colour fills much of your background: it can draw the eye even when it is calm."
                ),
                Some("Sit with a plain, neutral wall behind you, or use a neutral virtual background."),
            ),
        }
    } else {
        (
            Status::Pass,
            format!("Your background looks calm (score {:.0}/100).", a.score),
            None,
        )
    };
    let mut c = CheckResult::new(CheckId::Background, status, summary).with_details(details);
    c.advice = advice.map(str::to_string);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_rules_name_the_region() {
        let a = |score: f32, region: Option<&str>| SceneAnalysis {
            score,
            edge_density: score / 1000.0,
            jpeg_bpp: 0.8,
            busy_spread: score / 100.0,
            colour_variety: 10,
            scenery_share: 0.0,
            scenery: false,
            scenery_kind: None,
            vivid_colour: None,
            grid: vec![],
            cols: 6,
            rows: 4,
            person_share: 0.0,
            background_mask: None,
            busiest_region: region.map(str::to_string),
        };
        assert_eq!(background(&a(10.0, None)).status, Status::Pass);
        let busy = background(&a(80.0, Some("left")));
        assert_eq!(busy.status, Status::Fail);
        assert!(busy.summary.contains("left part"));
        assert_eq!(background(&a(45.0, None)).status, Status::Warn);
        // Calm but a holiday scene: a warning that names it.
        let mut beach = a(12.0, None);
        beach.scenery = true;
        beach.scenery_kind = Some("water".into());
        let v = background(&beach);
        assert_eq!(v.status, Status::Warn);
        assert!(
            v.summary.contains("outdoor or holiday scene (water)"),
            "{}",
            v.summary
        );
        assert!(v.details.iter().any(|d| d.key == "scenery_share"));
        // Vivid green that is not laid out like a landscape (a circuit board): its colour, not
        // a scene it may not be.
        let mut board = a(12.0, None);
        board.scenery = true;
        board.vivid_colour = Some("green".into());
        let v = background(&board);
        assert_eq!(v.status, Status::Warn);
        assert!(
            v.summary.starts_with("Strong green colour"),
            "{}",
            v.summary
        );
        assert!(!v.summary.contains("outdoor"), "{}", v.summary);
        let mut busy_board = board.clone();
        busy_board.score = 80.0;
        let v = background(&busy_board);
        assert!(
            v.summary.contains("Strong green colour") && !v.summary.contains("holiday"),
            "{}",
            v.summary
        );
        beach.vivid_colour = Some("blue".into());
        assert!(background(&beach).summary.contains("holiday scene (water)"));
    }
}
