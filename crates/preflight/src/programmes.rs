//! The mentor's programme: the profiles as this mentor has them (with their own profile and the
//! contacts they entered), choosing one, its contact, and saving their own profile.

use preflight_calendar::schedule::Membership;
use preflight_scripts::programme::{Profile, Profiles};
use preflight_scripts::TemplateError;
use preflight_store::{read_bounded, StoreError};

use crate::context::Context;

/// The profiles as this mentor has them, and what is wrong with their own profile file if it
/// cannot be used (then the built-in "custom" rules stand in, and the app and the CLI say so).
pub fn profiles(ctx: &Context) -> (Profiles, Option<String>) {
    let contacts = crate::settings::load(ctx)
        .map(|l| l.value.programme_contacts)
        .unwrap_or_default();
    let mut problem = None;
    let custom =
        ctx.custom_profile_path()
            .filter(|p| p.exists())
            .and_then(|p| match Profile::load(&p) {
                Ok(mut profile) => {
                    profile.id = "custom".into();
                    Some(profile)
                }
                Err(e) => {
                    problem = Some(format!(
                    "Your own programme profile cannot be used, so the built-in one stands in: {e}"
                ));
                    None
                }
            });
    (Profiles { custom, contacts }, problem)
}

/// The mentor's own profile as text: their file, or the built-in starting point.
pub fn custom_profile_text(ctx: &Context) -> Result<String, StoreError> {
    match ctx.custom_profile_path().filter(|p| p.exists()) {
        Some(p) => {
            let bytes = read_bounded(&p, preflight_scripts::programme::MAX_PROFILE_BYTES)?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        None => Ok(preflight_scripts::programme::BUILT_IN_PROFILES
            .iter()
            .find(|(id, _)| *id == "custom")
            .map(|(_, t)| t.to_string())
            .unwrap_or_default()),
    }
}

/// Why the mentor's programme or its contact was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeError {
    /// No such programme.
    #[error("{0}")]
    Unknown(String),
    /// The contact is not usable (the message says why).
    #[error("{0}")]
    Contact(String),
    /// The settings could not be read or written.
    #[error("Your programme could not be saved: {0}")]
    Store(#[from] StoreError),
}

/// A change to a programme's contact: set it, or forget it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    /// Set it to this (as typed: checked before anything is saved).
    Set {
        /// Name or role.
        name: String,
        /// Email address (may be empty when a phone number is given).
        email: String,
        /// Phone number (may be empty when an email is given).
        phone: String,
    },
    /// Forget it.
    Clear,
}

/// The mentor's programme (`None`: none), as both shells choose it: the id is checked, the
/// first-run question counts as answered, and `contact` (if any) changes that programme's
/// contact in the same write. Nothing is saved when the id or the contact is not valid.
pub fn choose_programme(
    ctx: &Context,
    programme: Option<&str>,
    contact: Option<ContactChange>,
) -> Result<Option<Profile>, ProgrammeError> {
    let programme = Membership::new(programme, false)
        .map_err(|e| ProgrammeError::Unknown(e.to_string()))?
        .programme;
    let contact = contact.map(checked_contact).transpose()?;
    crate::settings::update(ctx, |s| {
        s.programme = programme.clone();
        s.programme_chosen = true;
        if let (Some(id), Some(c)) = (&programme, &contact) {
            set_contact(s, id, c.clone());
        }
    })?;
    Ok(programme.and_then(|id| profiles(ctx).0.get(&id)))
}

/// Sets or forgets the contact of programme `id` (any known programme, not only the mentor's).
pub fn set_programme_contact(
    ctx: &Context,
    id: &str,
    change: ContactChange,
) -> Result<Option<preflight_scripts::programme::Contact>, ProgrammeError> {
    let id = Membership::new(Some(id), false)
        .map_err(|e| ProgrammeError::Unknown(e.to_string()))?
        .programme
        .unwrap_or_default();
    let contact = checked_contact(change)?;
    crate::settings::update(ctx, |s| set_contact(s, &id, contact.clone()))?;
    Ok(contact)
}

fn checked_contact(
    change: ContactChange,
) -> Result<Option<preflight_scripts::programme::Contact>, ProgrammeError> {
    match change {
        ContactChange::Clear => Ok(None),
        ContactChange::Set { name, email, phone } => {
            preflight_scripts::programme::Contact::validated(&name, &email, &phone)
                .map(Some)
                .map_err(ProgrammeError::Contact)
        }
    }
}

fn set_contact(
    s: &mut crate::settings::Settings,
    id: &str,
    contact: Option<preflight_scripts::programme::Contact>,
) {
    match contact {
        Some(c) => {
            s.programme_contacts.insert(id.to_string(), c);
        }
        None => {
            s.programme_contacts.remove(id);
        }
    }
}

/// Why the mentor's own profile was not saved.
#[derive(Debug, thiserror::Error)]
pub enum CustomProfileError {
    /// It does not validate (the message names the line and column).
    #[error("{0}")]
    Invalid(#[from] TemplateError),
    /// It could not be written.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// No configuration folder.
    #[error("This system has no configuration folder for your programme.")]
    NoFolder,
}

/// Validates the mentor's own profile and saves it (atomically, under the lock): nothing is
/// written when it does not validate.
pub fn save_custom_profile(ctx: &Context, text: &str) -> Result<Profile, CustomProfileError> {
    let path = ctx
        .custom_profile_path()
        .ok_or(CustomProfileError::NoFolder)?;
    let profile = Profile::parse("custom", "custom.toml", text)?;
    preflight_store::save_text_locked(&path, text)?;
    Ok(profile)
}
