//! A session script adapted to its programme: the safeguarding limit of confidentiality for a
//! mentee under 18, and the feedback the programme asks for after a given session. The profile is
//! the programme crate's; the template is ours.

use preflight_programme::Profile;

use crate::script::{feedback_due, Template};

/// Adapts a rendered script to the programme: for a mentee under 18, the safeguarding limit
/// of confidentiality follows the first prompt that speaks of confidentiality (or, said on
/// its own, follows the greeting when none does); after session `session_number`, the
/// feedback the programme asks for is announced in the closing phase.
pub fn adapt(profile: &Profile, t: &mut Template, under_18: bool, session_number: Option<u32>) {
    fit_minutes(t, profile.session_minutes);
    if let Some(n) = session_number {
        feedback_due(profile, t, n);
    }
    if !under_18 {
        return;
    }
    let found = t.phases.iter().enumerate().find_map(|(pi, p)| {
        p.prompts
            .iter()
            .position(|q| q.to_lowercase().contains("confidential"))
            .map(|qi| (pi, qi + 1))
    });
    match found {
        Some((pi, at)) => t.phases[pi]
            .prompts
            .insert(at, profile.safeguarding_prompt()),
        None => {
            if let Some(first) = t.phases.first_mut() {
                let at = first.prompts.len().min(1);
                first.prompts.insert(at, profile.safeguarding_reminder());
            }
        }
    }
}

/// Stretches or shrinks the phases' time boxes, keeping their proportions, so they add up to
/// `total` minutes (the programme's session length): whole minutes, at least one each, handed
/// out by largest remainder so the sum is exact. A script with more phases than minutes keeps
/// one minute a phase.
pub fn fit_minutes(t: &mut Template, total: u32) {
    let have: u32 = t.phases.iter().map(|p| p.minutes).sum();
    let n = t.phases.len() as u32;
    if have == 0 || total == 0 || have == total || n == 0 {
        return;
    }
    if total <= n {
        t.phases.iter_mut().for_each(|p| p.minutes = 1);
        return;
    }
    // One minute each first, then the rest in proportion to what each phase had.
    let spare = (total - n) as u64;
    let mut shares: Vec<(u64, u64)> = t
        .phases
        .iter()
        .map(|p| {
            let exact = spare * p.minutes as u64;
            (exact / have as u64, exact % have as u64)
        })
        .collect();
    // The minutes the rounding down left over go one each to the largest remainders.
    let left = spare - shares.iter().map(|(q, _)| q).sum::<u64>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1).then(a.cmp(&b)));
    for &i in order.iter().take(left as usize) {
        shares[i].0 += 1;
    }
    for (p, (q, _)) in t.phases.iter_mut().zip(shares) {
        p.minutes = 1 + q as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::built_in;
    use preflight_programme::{built_in_profile, Contact};

    #[test]
    fn every_programmes_scripts_fit_its_session_length() {
        for (id, _) in preflight_programme::BUILT_IN_PROFILES {
            let p = built_in_profile(id).unwrap();
            for script in [&p.scripts.first, &p.scripts.middle, &p.scripts.last] {
                let mut t = built_in(script).unwrap();
                let before: Vec<u32> = t.phases.iter().map(|p| p.minutes).collect();
                adapt(&p, &mut t, false, Some(1));
                assert_eq!(
                    t.total_minutes(),
                    p.session_minutes,
                    "{id}/{script}: {before:?} → {:?}",
                    t.phases.iter().map(|p| p.minutes).collect::<Vec<_>>()
                );
                assert!(t.phases.iter().all(|p| p.minutes >= 1));
            }
        }
        // The Brokerage's 60-minute sessions: its first-session script (45 min as written)
        // stretched in proportion.
        let b = built_in_profile("brokerage").unwrap();
        let mut t = built_in(&b.scripts.first).unwrap();
        assert_ne!(
            t.total_minutes(),
            60,
            "the test needs a script that does not fit"
        );
        let longest = t.phases.iter().map(|p| p.minutes).max().unwrap();
        adapt(&b, &mut t, false, None);
        assert_eq!(t.total_minutes(), 60);
        assert!(t.phases.iter().map(|p| p.minutes).max().unwrap() > longest);
    }

    #[test]
    fn fitting_keeps_proportions_and_the_exact_sum() {
        let mut t = built_in("first-session").unwrap();
        let n = t.phases.len() as u32;
        for total in [n, n + 1, 30, 45, 61, 240] {
            fit_minutes(&mut t, total);
            assert_eq!(t.total_minutes(), total, "{total}");
        }
        fit_minutes(&mut t, 1);
        assert!(t.phases.iter().all(|p| p.minutes == 1));
    }

    #[test]
    fn under_18_the_script_states_the_safeguarding_limit() {
        let b = built_in_profile("brokerage").unwrap();
        let mut t = built_in("first-session").unwrap();
        let mut before = t.clone();
        adapt(&b, &mut t, false, None);
        fit_minutes(&mut before, b.session_minutes);
        assert_eq!(
            t, before,
            "adults: only the time boxes fitted to the session"
        );
        adapt(&b, &mut t, true, None);
        let (pi, qi) = t
            .phases
            .iter()
            .enumerate()
            .find_map(|(pi, p)| {
                p.prompts
                    .iter()
                    .position(|q| q.contains("because you are under 18"))
                    .map(|qi| (pi, qi))
            })
            .expect("the safeguarding prompt is there");
        assert!(t.phases[pi].prompts[qi - 1].contains("confidential"));
        assert!(t.phases[pi].prompts[qi].contains("The Brokerage's safeguarding contact"));
        // With a named contact, the mentor says whom they would tell.
        let mut c = b.clone();
        c.contact = Some(Contact {
            name: "Ana Lopez".into(),
            email: Some("ana@example.org".into()),
            phone: None,
        });
        assert!(c
            .safeguarding_prompt()
            .contains("tell The Brokerage's safeguarding contact (Ana Lopez)"));
        // A script without a word about confidentiality gets it said on its own, after the
        // greeting: the mentee hears what it is a limit of.
        let mut plain = built_in("regular-session").unwrap();
        plain.phases.iter_mut().for_each(|p| {
            p.prompts
                .retain(|q| !q.to_lowercase().contains("confidential"))
        });
        let greeting = plain.phases[0].prompts[0].clone();
        adapt(&b, &mut plain, true, None);
        assert_eq!(plain.phases[0].prompts[0], greeting);
        let said = &plain.phases[0].prompts[1];
        assert!(
            said.starts_with("A reminder: what we say stays between us, with one limit, because you are under 18"),
            "{said}"
        );
    }

    #[test]
    fn the_programme_fills_the_roadmap_of_its_scripts() {
        let b = built_in_profile("brokerage").unwrap();
        let mut vars = std::collections::BTreeMap::new();
        vars.insert("mentee".to_string(), "Alex".to_string());
        vars.insert("session_number".to_string(), "2".to_string());
        b.fill_vars(&mut vars);
        assert_eq!(vars["programme_sessions"], "7");
        assert_eq!(vars["programme_name"], "The Brokerage");
        let t = built_in("regular-session").unwrap().render(&vars);
        let all: String = t.phases.iter().flat_map(|p| p.prompts.clone()).collect();
        assert!(all.contains("This is session 2 of 7."), "{all}");
        // An open-ended programme leaves the count to the caller.
        let mut open = std::collections::BTreeMap::new();
        built_in_profile("mentor247").unwrap().fill_vars(&mut open);
        assert!(!open.contains_key("programme_sessions"));
        // What the caller set stays.
        let mut mine = std::collections::BTreeMap::new();
        mine.insert("programme_sessions".to_string(), "5".to_string());
        b.fill_vars(&mut mine);
        assert_eq!(mine["programme_sessions"], "5");
    }

    #[test]
    fn the_closing_phase_announces_the_feedback_due_after_this_session() {
        let b = built_in_profile("brokerage").unwrap();
        let plain = built_in("regular-session").unwrap();
        let last_of = |n: Option<u32>| {
            let mut t = plain.clone();
            adapt(&b, &mut t, false, n);
            t.phases.last().unwrap().prompts.clone()
        };
        let at_4 = last_of(Some(4));
        assert_eq!(at_4.len(), plain.phases.last().unwrap().prompts.len() + 1);
        assert!(
            at_4.last()
                .unwrap()
                .starts_with("Before you go: after today's session The Brokerage asks for the mid-point feedback survey."),
            "{at_4:?}"
        );
        assert_eq!(last_of(Some(3)), plain.phases.last().unwrap().prompts);
        assert_eq!(last_of(None), plain.phases.last().unwrap().prompts);
        assert!(last_of(Some(7))
            .last()
            .unwrap()
            .contains("end-point feedback survey"));
    }
}
