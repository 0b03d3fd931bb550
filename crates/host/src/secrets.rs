//! Where the app keeps what must not sit in its own files: the name and password of a calendar
//! feed. [`system_secrets`] is the system's password store through the `keyring` crate — the
//! Secret Service on Linux (GNOME Keyring, KWallet, KeePassXC), the Credential Manager on
//! Windows; [`MemorySecrets`] holds them for one process (tests).
//!
//! A store that cannot be reached is an error in words ([`SecretError::Unavailable`]); the
//! caller then refuses to keep the secret rather than writing it anywhere else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The service name every entry of the app is filed under in the password store.
pub const SERVICE: &str = "Mentor Preflight";

/// Why a secret could not be read, kept or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// No password store answered (none runs, it is locked, or this system has none).
    Unavailable(String),
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretError::Unavailable(why) => write!(
                f,
                "your computer's password store could not be reached ({why})"
            ),
        }
    }
}

impl std::error::Error for SecretError {}

/// A place for secrets, named by a short key.
pub trait Secrets: Send + Sync {
    /// The secret kept under `key`, or `None` if there is none.
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    /// Keeps `secret` under `key`, replacing what was there.
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError>;
    /// Removes what is kept under `key` (nothing there is not an error).
    fn forget(&self, key: &str) -> Result<(), SecretError>;
}

/// Secrets held in this process only, gone when it ends (tests, and tools that must not touch
/// the mentor's password store).
#[derive(Debug, Default)]
pub struct MemorySecrets(Mutex<HashMap<String, String>>);

impl MemorySecrets {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many secrets are held.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Whether none are held.
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }
}

impl Secrets for MemorySecrets {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self.map().get(key).cloned())
    }
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        self.map().insert(key.to_string(), secret.to_string());
        Ok(())
    }
    fn forget(&self, key: &str) -> Result<(), SecretError> {
        self.map().remove(key);
        Ok(())
    }
}

/// A store that is never there (a system without a password store the app can use).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSecrets;

impl Secrets for NoSecrets {
    fn get(&self, _key: &str) -> Result<Option<String>, SecretError> {
        Err(unavailable())
    }
    fn set(&self, _key: &str, _secret: &str) -> Result<(), SecretError> {
        Err(unavailable())
    }
    fn forget(&self, _key: &str) -> Result<(), SecretError> {
        Err(unavailable())
    }
}

fn unavailable() -> SecretError {
    SecretError::Unavailable("this system has none the app can use".into())
}

/// The system's password store.
#[cfg(any(target_os = "linux", windows))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemSecrets;

#[cfg(any(target_os = "linux", windows))]
impl SystemSecrets {
    fn entry(key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, key).map_err(|e| SecretError::Unavailable(e.to_string()))
    }
}

#[cfg(any(target_os = "linux", windows))]
impl Secrets for SystemSecrets {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(key)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(key)?
            .set_password(secret)
            .map_err(|e| SecretError::Unavailable(e.to_string()))
    }
    fn forget(&self, key: &str) -> Result<(), SecretError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }
}

/// This system's password store: the Secret Service on Linux, the Credential Manager on
/// Windows; elsewhere none ([`NoSecrets`]).
pub fn system_secrets() -> Arc<dyn Secrets> {
    #[cfg(any(target_os = "linux", windows))]
    {
        Arc::new(SystemSecrets)
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        Arc::new(NoSecrets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_secrets_keep_replace_and_forget() {
        let s = MemorySecrets::default();
        assert_eq!(s.get("a"), Ok(None));
        s.set("a", "one").unwrap();
        s.set("a", "two").unwrap();
        assert_eq!(s.get("a"), Ok(Some("two".into())));
        assert_eq!(s.len(), 1);
        s.forget("a").unwrap();
        s.forget("a").unwrap();
        assert!(s.is_empty());
    }

    #[test]
    fn no_store_says_so_in_words() {
        let e = NoSecrets.set("a", "b").unwrap_err();
        assert!(e.to_string().contains("password store"), "{e}");
    }
}
