//! A session script adapted to its programme: the safeguarding limit of confidentiality for a
//! mentee under 18, and the feedback the programme asks for after a given session. The profile is
//! the programme crate's; the template is ours.

use preflight_programme::Profile;

use crate::script::Template;

/// Adapts a rendered script to the programme: for a mentee under 18, the safeguarding limit
/// of confidentiality follows the first prompt that speaks of confidentiality (or, said on
/// its own, follows the greeting when none does); after session `session_number`, the
/// feedback the programme asks for is announced in the closing phase.
pub fn adapt(profile: &Profile, t: &mut Template, under_18: bool, session_number: Option<u32>) {
    if let (Some(n), Some(last)) = (session_number, t.phases.last_mut()) {
        for f in profile.feedback.iter().filter(|f| f.after_session == n) {
            last.prompts.push(format!(
                "Before you go: after today's session {} asks for the {}. Please look out for it, and fill it in honestly: it helps the programme.",
                profile.name,
                lower_first(&f.what)
            ));
        }
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

/// "Mid-point feedback survey" → "mid-point feedback survey" (for use inside a sentence).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::built_in;
    use preflight_programme::{built_in_profile, Contact};

    #[test]
    fn under_18_the_script_states_the_safeguarding_limit() {
        let b = built_in_profile("brokerage").unwrap();
        let mut t = built_in("first-session").unwrap();
        let before = t.clone();
        adapt(&b, &mut t, false, None);
        assert_eq!(t, before, "adults: unchanged");
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
