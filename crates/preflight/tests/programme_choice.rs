//! Choosing the programme and its contact, as both shells do it (the app's programme panel and
//! `preflight programme use/contact` call the same use cases): checked before anything is saved.

use preflight::Context;

use preflight::programmes::{
    choose_programme, set_programme_contact, ContactChange, ProgrammeError,
};

fn contact(name: &str, email: &str) -> ContactChange {
    ContactChange::Set {
        name: name.into(),
        email: email.into(),
        phone: String::new(),
    }
}

#[test]
fn a_programme_and_its_contact_are_checked_then_saved_together() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let settings = || preflight::settings::load(&ctx).unwrap().value;

    // An unknown programme: refused, nothing saved, the first-run question still open.
    let e = choose_programme(&ctx, Some("nope"), None).unwrap_err();
    assert!(matches!(e, ProgrammeError::Unknown(_)));
    assert!(
        e.to_string().contains("not a programme this app knows"),
        "{e}"
    );
    assert!(!settings().programme_chosen);

    // A contact that is not usable: refused with its reason, and the programme not saved either.
    let e = choose_programme(
        &ctx,
        Some("brokerage"),
        Some(contact("Lead", "not an address")),
    )
    .unwrap_err();
    assert!(matches!(e, ProgrammeError::Contact(_)), "{e}");
    assert_eq!(settings().programme, None);

    // Both valid: saved in one write.
    let p = choose_programme(
        &ctx,
        Some("brokerage"),
        Some(contact("Safeguarding lead", "lead@example.org")),
    )
    .unwrap()
    .expect("the programme's profile");
    assert_eq!(p.id, "brokerage");
    let s = settings();
    assert_eq!(s.programme.as_deref(), Some("brokerage"));
    assert!(s.programme_chosen);
    assert_eq!(s.programme_contacts["brokerage"].name, "Safeguarding lead");

    // Another programme's contact, then forgetting it; "none" keeps the contacts.
    set_programme_contact(&ctx, "mentor247", contact("Office", "office@example.org")).unwrap();
    assert_eq!(settings().programme_contacts.len(), 2);
    assert_eq!(
        set_programme_contact(&ctx, "mentor247", ContactChange::Clear).unwrap(),
        None
    );
    assert!(!settings().programme_contacts.contains_key("mentor247"));
    assert!(choose_programme(&ctx, None, None).unwrap().is_none());
    assert_eq!(settings().programme, None);
    assert!(settings().programme_contacts.contains_key("brokerage"));
    assert!(set_programme_contact(&ctx, "nope", ContactChange::Clear).is_err());
}

#[test]
fn a_programme_with_under_18_rules_and_no_safeguarding_contact_is_said_until_one_is_set() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let p = choose_programme(&ctx, Some("brokerage"), None)
        .unwrap()
        .expect("the programme's profile");
    // On save (the CLI prints it; the app's panel shows the view's words).
    assert!(p.safeguarding_gap().is_some());
    let gap = preflight::views::programme_view(&ctx)
        .unwrap()
        .safeguarding_gap
        .expect("the gap is said");
    assert!(
        gap.starts_with("The Brokerage has rules for mentees under 18"),
        "{gap}"
    );
    set_programme_contact(&ctx, "brokerage", contact("Ana Lopez", "ana@example.org")).unwrap();
    assert_eq!(
        preflight::views::programme_view(&ctx)
            .unwrap()
            .safeguarding_gap,
        None
    );
}
