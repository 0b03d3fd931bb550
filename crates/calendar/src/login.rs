//! A calendar feed's name and password, as they may stand in its address
//! (`https://name:password@host/…`): taken out of the address so that the address can be kept
//! and shown without them ([`split_login`], [`shown_address`]), and kept apart ([`Login`]).
//! Pure text; the feed download sends them, the app keeps them in the system's
//! password store.

/// A feed's name and password, taken out of its address (`https://name:password@host/…`):
/// sent to the feed's own server only, as HTTP Basic authentication, and kept by the app in the
/// system's password store, never in its own files. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    /// The name (percent-decoded).
    pub user: String,
    /// The password (percent-decoded; may be empty).
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("password", &"…")
            .finish()
    }
}

impl Login {
    /// The name and password as they stood in an address (`name:password`, percent-encoded),
    /// which is how they are kept; `None` for nothing.
    pub fn from_userinfo(userinfo: &str) -> Option<Login> {
        if userinfo.is_empty() {
            return None;
        }
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        Some(Login {
            user: decode(user),
            password: decode(password),
        })
    }

    /// Back to `name:password`, percent-encoded, as kept in the password store.
    pub fn to_userinfo(&self) -> String {
        const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        format!(
            "{}:{}",
            percent_encoding::utf8_percent_encode(&self.user, SET),
            percent_encoding::utf8_percent_encode(&self.password, SET)
        )
    }

    /// The `Authorization` header's value.
    pub(crate) fn header(&self) -> String {
        use base64::Engine;
        let pair = format!("{}:{}", self.user, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
}

/// Splits a feed address into the address without a name and password (as it is kept and
/// shown) and them, if it had any. Purely textual, so the address keeps the form the mentor
/// pasted (`webcal:` stays `webcal:`); the userinfo is everything before the last `@` of the
/// part after `://` (up to the first `/`, `\`, `?` or `#`), as URL parsers read it.
pub fn split_login(address: &str) -> (String, Option<Login>) {
    let t = address.trim();
    let Some(i) = t.find("://") else {
        return (t.to_string(), None);
    };
    let rest = &t[i + 3..];
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => (
            format!("{}{}", &t[..i + 3], &rest[at + 1..]),
            Login::from_userinfo(&rest[..at]),
        ),
        None => (t.to_string(), None),
    }
}

/// The address as it may be printed, shown or named in an error: without a name and password,
/// control characters gone, at most 200 characters.
pub fn shown_address(address: &str) -> String {
    crate::text::clean_text(&split_login(address).0, 200)
}
