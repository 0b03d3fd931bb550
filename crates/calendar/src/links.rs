//! Meeting links: finding the room in a calendar event and deciding whether it is safe to open.
//!
//! Detection follows MeetingBar's approach: a table of provider patterns (Zoom, Google Meet,
//! Microsoft Teams, Webex, Jitsi, plus the mentor's own), applied to the event's fields in
//! priority order (URL, then LOCATION, then DESCRIPTION), after unwrapping Outlook SafeLinks and
//! Google redirect links. Only links with a safe scheme are ever returned or opened: `https` and
//! the meeting apps' own schemes (`zoommtg:`, `zoomus:`, `msteams:`, `webex:`). `http:`, `file:`,
//! `javascript:`, `data:` and local paths are refused.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

/// Who runs the meeting room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Provider {
    /// Zoom.
    Zoom,
    /// Google Meet.
    Meet,
    /// Microsoft Teams.
    Teams,
    /// Cisco Webex.
    Webex,
    /// Jitsi Meet (meet.jit.si and 8x8.vc).
    Jitsi,
    /// A pattern the mentor added (its name).
    Custom(String),
    /// A safe link given as the event's URL that matches no known provider.
    Other,
}

impl Provider {
    /// A name for people.
    pub fn label(&self) -> &str {
        match self {
            Provider::Zoom => "Zoom",
            Provider::Meet => "Google Meet",
            Provider::Teams => "Microsoft Teams",
            Provider::Webex => "Webex",
            Provider::Jitsi => "Jitsi",
            Provider::Custom(name) => name,
            Provider::Other => "meeting link",
        }
    }
}

/// A meeting room link found in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MeetingLink {
    /// The link to open (unwrapped, checked safe).
    pub url: String,
    /// Who runs the room.
    pub provider: Provider,
}

/// A mentor's own link pattern, e.g. a university's video service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomPattern {
    /// Shown as the provider's name.
    pub name: String,
    /// A regular expression matched against each link found.
    pub pattern: String,
}

/// Why a link will not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a URL at all.
    #[error("“{0}” is not a web link. Paste the whole meeting link, starting with https://")]
    NotALink(String),
    /// A scheme we never open.
    #[error("Links starting with {scheme}: are never opened, for your safety. Use the meeting's https:// link.")]
    UnsafeScheme {
        /// The refused scheme.
        scheme: String,
    },
    /// Plain http: the room link could be tampered with on the way.
    #[error("This link uses http://, which is not encrypted. Use the https:// link from the meeting invitation.")]
    Insecure,
    /// Hidden characters (control, text-direction or zero-width) that could make a link look
    /// like another.
    #[error("This link holds hidden characters that could disguise where it goes, so it is not used. Copy the link again from the invitation.")]
    HiddenCharacters,
    /// A name and password before the host (`https://zoom.us@evil.example/…` goes to
    /// evil.example).
    #[error("This link hides where it goes (“{host}” is the real address). Use the link from the meeting invitation.")]
    Disguised {
        /// Where it really goes.
        host: String,
    },
    /// This computer or the local network: never a meeting room.
    #[error("This link points to this computer or the local network, not to a meeting service.")]
    Local,
    /// A meeting app's scheme that names another service's address.
    #[error("A {scheme}: link must go to its own meeting service; this one goes to “{host}”.")]
    ForeignHost {
        /// The app scheme.
        scheme: String,
        /// Where it goes.
        host: String,
    },
}

pub use preflight_programme::text::is_hidden_char;

/// Whether `host` is this computer or a private or link-local network address.
fn is_local_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost") || d.ends_with(".local")
        }
        url::Host::Ipv4(a) => {
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.octets()[0] == 100 && (a.octets()[1] & 0xC0) == 64
        }
        url::Host::Ipv6(a) => {
            a.is_loopback()
                || a.is_unspecified()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
                || a.to_ipv4_mapped()
                    .is_some_and(|v4| is_local_host(&url::Host::Ipv4(v4)))
        }
    }
}

/// The hosts a meeting app's own scheme may name (`zoommtg://zoom.us/join?…`).
fn app_scheme_hosts(scheme: &str) -> &'static [&'static str] {
    match scheme {
        "zoommtg" | "zoomus" => &["zoom.us", "zoomgov.com", "zoom.com"],
        "msteams" => &["teams.microsoft.com", "teams.live.com"],
        _ => &["webex.com"],
    }
}

/// The longest meeting link accepted (Teams links with their context run to about 500).
pub const MAX_LINK_BYTES: usize = 4096;

/// Schemes of meeting apps that open the app directly.
const APP_SCHEMES: &[&str] = &["zoommtg", "zoomus", "msteams", "webex", "webexteams"];

/// Checks that `link` is safe to open and returns it normalised. Accepts `https:` links with a
/// host and the meeting apps' own schemes; refuses everything else with a reason.
pub fn check_link(link: &str) -> Result<String, LinkError> {
    let trimmed = link.trim();
    let shown = || crate::text::clean_text(trimmed, 80);
    if trimmed.len() > MAX_LINK_BYTES {
        return Err(LinkError::NotALink(shown()));
    }
    // Before parsing: the parser drops tabs and line breaks silently.
    if trimmed.chars().any(is_hidden_char) {
        return Err(LinkError::HiddenCharacters);
    }
    let url = Url::parse(trimmed).map_err(|_| LinkError::NotALink(shown()))?;
    match url.scheme() {
        "https" => {
            let Some(host) = url.host().filter(|h| !h.to_string().is_empty()) else {
                return Err(LinkError::NotALink(shown()));
            };
            if !url.username().is_empty() || url.password().is_some() {
                return Err(LinkError::Disguised {
                    host: crate::text::clean_text(&host.to_string(), 80),
                });
            }
            if is_local_host(&host) {
                return Err(LinkError::Local);
            }
            Ok(url.to_string())
        }
        "http" => Err(LinkError::Insecure),
        s if APP_SCHEMES.contains(&s) => {
            if !url.username().is_empty() || url.password().is_some() {
                return Err(LinkError::Disguised {
                    host: crate::text::clean_text(url.host_str().unwrap_or(""), 80),
                });
            }
            // Teams' `msteams:/l/meetup-join/…` names no host; one that does must be the app's
            // own service (a dotless word is a command of the app: `webex://meet?…`).
            if let Some(host) = url.host_str().filter(|h| h.contains('.')) {
                let h = host.trim_end_matches('.').to_ascii_lowercase();
                let own = app_scheme_hosts(s)
                    .iter()
                    .any(|d| h == *d || h.ends_with(&format!(".{d}")));
                if !own {
                    return Err(LinkError::ForeignHost {
                        scheme: s.into(),
                        host: crate::text::clean_text(host, 80),
                    });
                }
            }
            Ok(trimmed.to_string())
        }
        s => Err(LinkError::UnsafeScheme { scheme: s.into() }),
    }
}

/// Where in an event a piece of text came from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The event's URL property.
    Url,
    /// The LOCATION property.
    Location,
    /// The DESCRIPTION (notes) property.
    Description,
}

fn provider_table() -> &'static [(Provider, Regex)] {
    static TABLE: OnceLock<Vec<(Provider, Regex)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let r = |p: &str| Regex::new(p).expect("provider pattern");
        vec![
            (
                Provider::Zoom,
                r(r"^(?:https://(?:[a-z0-9-]+\.)*zoom(?:gov)?\.(?:us|com|com\.cn|de)/(?:j|my|w|s|wc/join|webinar/register)/\S+|zoommtg://\S+|zoomus://\S+)$"),
            ),
            (
                Provider::Meet,
                r(r"^https://meet\.google\.com/(?:_meet/)?[a-z]{3,4}-?[a-z]{4}-?[a-z]{3,4}\S*$|^https://meet\.google\.com/lookup/\S+$"),
            ),
            (
                Provider::Teams,
                r(r"^(?:https://(?:gov\.|dod\.)?teams\.microsoft\.(?:com|us)/(?:l/meetup-join|meet)/\S+|https://teams\.live\.com/meet/\S+|msteams:\S+)$"),
            ),
            (
                Provider::Webex,
                r(r"^(?:https://(?:[a-z0-9-]+\.)?webex\.com/(?:(?:[a-z0-9-]+/)?j\.php\?MTID=\S+|meet/\S+|join/\S+|[a-z0-9-]+/(?:e|m)\.php\S*)|webex(?:teams)?://\S+)$"),
            ),
            (
                Provider::Jitsi,
                r(r"^https://(?:meet\.jit\.si|8x8\.vc)/\S+$"),
            ),
        ]
    })
}

fn url_token() -> &'static Regex {
    static TOKEN: OnceLock<Regex> = OnceLock::new();
    TOKEN.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:https?://|zoommtg://|zoomus://|msteams:|webex(?:teams)?://)[^\s<>"'\]\[{}|\\^`]+"#)
            .expect("url token pattern")
    })
}

/// Unwraps Outlook SafeLinks (`*.safelinks.protection.outlook.com/?url=…`) and Google redirect
/// links (`google.com/url?q=…`), repeatedly; other links come back unchanged.
pub fn unwrap_link(link: &str) -> String {
    let mut current = link.to_string();
    for _ in 0..3 {
        let Ok(url) = Url::parse(&current) else {
            break;
        };
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let key = if host.ends_with("safelinks.protection.outlook.com") {
            "url"
        } else if (host == "www.google.com" || host == "google.com") && url.path() == "/url" {
            "q"
        } else {
            break;
        };
        match url.query_pairs().find(|(k, _)| k == key) {
            Some((_, target)) => current = target.into_owned(),
            None => break,
        }
    }
    current
}

/// Trailing punctuation that belongs to the sentence, not the link.
fn trim_trailing(link: &str) -> &str {
    let mut s = link.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
    // A closing bracket only belongs to the link if the link opened one.
    while s.ends_with(')') && s.matches('(').count() < s.matches(')').count() {
        s = &s[..s.len() - 1];
    }
    s
}

/// The mentor's pattern `pattern` compiled, once per process (a calendar with thousands of links
/// once compiled it for every link, 13 s for 2 MB), bounded in size; `None` when it is not a
/// valid pattern (it then matches nothing, as before).
fn compiled(pattern: &str) -> Option<Regex> {
    type Cache = std::sync::Mutex<std::collections::HashMap<String, Option<Regex>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = cache.get(pattern) {
        return re.clone();
    }
    // The mentor has a handful of patterns; a process that saw many forgets them all.
    if cache.len() >= 64 {
        cache.clear();
    }
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .ok();
    cache.insert(pattern.to_string(), re.clone());
    re
}

/// Which provider a (safe, unwrapped) link belongs to.
pub fn classify(link: &str, custom: &[CustomPattern]) -> Option<Provider> {
    for p in custom {
        if let Some(re) = compiled(&p.pattern) {
            if re.is_match(link) {
                return Some(Provider::Custom(p.name.clone()));
            }
        }
    }
    provider_table()
        .iter()
        .find(|(_, re)| re.is_match(link))
        .map(|(p, _)| p.clone())
}

/// Finds the meeting room among an event's fields. Fields are tried in priority order (URL,
/// LOCATION, DESCRIPTION); within a field, the first link of a known (or custom) provider wins.
/// A safe link that is the event's URL property is accepted even from an unknown provider.
pub fn detect(fields: &[(Field, &str)], custom: &[CustomPattern]) -> Option<MeetingLink> {
    let mut ordered: Vec<&(Field, &str)> = fields.iter().collect();
    ordered.sort_by_key(|(f, _)| *f);
    for (field, text) in ordered {
        for m in url_token().find_iter(text) {
            let unwrapped = unwrap_link(trim_trailing(m.as_str()));
            let Ok(safe) = check_link(&unwrapped) else {
                continue;
            };
            if let Some(provider) = classify(&safe, custom) {
                return Some(MeetingLink {
                    url: safe,
                    provider,
                });
            }
            if *field == Field::Url {
                return Some(MeetingLink {
                    url: safe,
                    provider: Provider::Other,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disguised_local_hidden_and_foreign_links_are_refused() {
        for (link, want) in [
            ("https://zoom.us@evil.example/j/1", "evil.example"),
            ("https://user:pw@meet.jit.si/room", "meet.jit.si"),
            ("https://127.0.0.1/j/1", "this computer"),
            ("https://localhost:8443/x", "this computer"),
            ("https://192.168.1.10/room", "this computer"),
            ("https://10.0.0.1/room", "this computer"),
            ("https://[::1]/room", "this computer"),
            ("https://[fd00::1]/room", "this computer"),
            ("https://[::ffff:127.0.0.1]/room", "this computer"),
            ("https://meet.jit.si/ro\u{202E}om", "hidden characters"),
            ("https://meet.jit.si/ro\u{200B}om", "hidden characters"),
            ("https://meet.jit.si/ro\tom", "hidden characters"),
            ("zoommtg://evil.example/join?confno=1", "evil.example"),
            ("msteams://evil.example/l/meetup-join/x", "evil.example"),
            ("webex://attacker.example/meet", "attacker.example"),
        ] {
            let e = check_link(link).expect_err(link).to_string();
            assert!(e.contains(want), "{link}: {e}");
        }
        for ok in [
            "https://us02web.zoom.us/j/81234567890?pwd=abc",
            "zoommtg://zoom.us/join?confno=81234567890",
            "zoommtg://us02web.zoom.us/join?confno=1",
            "msteams:/l/meetup-join/19%3ameeting_x%40thread.v2/0",
            "webex://meet?sip=x",
            "https://8.8.8.8/room",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}: {:?}", check_link(ok));
        }
    }

    fn found(fields: &[(Field, &str)]) -> Option<(Provider, String)> {
        detect(fields, &[]).map(|l| (l.provider, l.url))
    }

    #[test]
    fn provider_table() {
        let cases: &[(&str, Option<Provider>)] = &[
            ("https://us02web.zoom.us/j/81234567890?pwd=abcDEF123", Some(Provider::Zoom)),
            ("https://zoom.us/j/123456789", Some(Provider::Zoom)),
            ("https://acme.zoom.us/my/jane.doe", Some(Provider::Zoom)),
            ("https://zoomgov.com/j/1612345678", Some(Provider::Zoom)),
            ("zoommtg://zoom.us/join?confno=123456789", Some(Provider::Zoom)),
            ("https://meet.google.com/abc-defg-hij", Some(Provider::Meet)),
            ("https://meet.google.com/abc-defg-hij?authuser=1", Some(Provider::Meet)),
            ("https://meet.google.com/lookup/xyz123", Some(Provider::Meet)),
            ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0?context=%7b%22Tid%22%7d", Some(Provider::Teams)),
            ("https://teams.live.com/meet/9876543210", Some(Provider::Teams)),
            ("https://teams.microsoft.com/meet/2345678?p=abc", Some(Provider::Teams)),
            ("msteams:/l/meetup-join/19%3ameeting", Some(Provider::Teams)),
            ("https://acme.webex.com/acme/j.php?MTID=m1234567890abcdef", Some(Provider::Webex)),
            ("https://acme.webex.com/meet/jane.doe", Some(Provider::Webex)),
            ("https://meet.jit.si/MentoringSamAndJo", Some(Provider::Jitsi)),
            ("https://8x8.vc/vpaas-magic/room", Some(Provider::Jitsi)),
            // Look-alikes and non-meeting pages.
            ("https://zoom.us.evil.example/j/123", None),
            ("https://example.com/zoom.us/j/123", None),
            ("https://meet.google.com/", None),
            ("https://teams.microsoft.com/", None),
            ("https://www.webex.com/pricing", None),
            ("https://docs.google.com/document/d/abc", None),
        ];
        for (link, want) in cases {
            assert_eq!(&classify(link, &[]), want, "{link}");
        }
    }

    #[test]
    fn safe_schemes_only() {
        assert!(check_link("https://zoom.us/j/1").is_ok());
        assert!(check_link("  zoommtg://zoom.us/join?confno=1 ").is_ok());
        assert!(check_link("msteams:/l/meetup-join/x").is_ok());
        assert_eq!(check_link("http://zoom.us/j/1"), Err(LinkError::Insecure));
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<script>1</script>",
            "smb://server/share",
            "vbscript:msgbox",
        ] {
            assert!(
                matches!(check_link(bad), Err(LinkError::UnsafeScheme { .. })),
                "{bad}"
            );
        }
        for bad in ["/home/me/meeting.html", "zoom.us/j/1", ""] {
            assert!(
                matches!(check_link(bad), Err(LinkError::NotALink(_))),
                "{bad}"
            );
        }
        // A Windows path parses as a URL with a one-letter scheme: refused as unsafe.
        assert!(check_link("C:/Users/me/run.exe").is_err());
        assert!(check_link("C:\\meeting.lnk").is_err());
        // Bounded, and never echoed whole or with control characters.
        let huge = format!("https://zoom.us/j/{}", "1".repeat(10_000));
        let e = check_link(&huge).unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
        let e = check_link("\u{1b}]0;x\u{7}not a link").unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }

    #[test]
    fn unwraps_safelinks_and_google_redirects() {
        let safelink = "https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join%2F19%253ameeting_abc%2540thread.v2%2F0&data=05%7C01&sdata=xyz&reserved=0";
        assert_eq!(
            unwrap_link(safelink),
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
        );
        let google = "https://www.google.com/url?q=https://meet.google.com/abc-defg-hij&sa=D&source=calendar";
        assert_eq!(unwrap_link(google), "https://meet.google.com/abc-defg-hij");
        let plain = "https://zoom.us/j/1";
        assert_eq!(unwrap_link(plain), plain);
        // A SafeLink wrapping something unsafe stays unsafe after unwrapping.
        let evil = "https://nam1.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)";
        assert!(check_link(&unwrap_link(evil)).is_err());
    }

    #[test]
    fn detects_by_field_priority() {
        let desc = "Join Zoom Meeting\nhttps://us02web.zoom.us/j/81234567890?pwd=abc.\nMeeting ID: 812 3456 7890\nAgenda: https://docs.google.com/document/d/abc";
        assert_eq!(
            found(&[(Field::Description, desc)]),
            Some((
                Provider::Zoom,
                "https://us02web.zoom.us/j/81234567890?pwd=abc".into()
            ))
        );
        // LOCATION beats DESCRIPTION, URL beats both, whatever the order given.
        let fields = [
            (Field::Description, desc),
            (
                Field::Location,
                "Microsoft Teams Meeting (https://teams.live.com/meet/123)",
            ),
        ];
        assert_eq!(
            found(&fields),
            Some((Provider::Teams, "https://teams.live.com/meet/123".into()))
        );
        let fields = [
            (Field::Location, "Room 4 / https://meet.jit.si/Room4"),
            (Field::Url, "https://meet.google.com/abc-defg-hij"),
        ];
        assert_eq!(found(&fields).unwrap().0, Provider::Meet);
    }

    #[test]
    fn detects_through_safelinks_and_html() {
        let desc = r#"<a href="https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fmeet.google.com%2Fabc-defg-hij&amp;data=1">Join</a>"#;
        assert_eq!(
            found(&[(Field::Description, desc)]),
            Some((
                Provider::Meet,
                "https://meet.google.com/abc-defg-hij".into()
            ))
        );
    }

    #[test]
    fn unknown_links_only_from_the_url_field_and_never_unsafe() {
        assert_eq!(
            found(&[(Field::Description, "Notes: https://example.org/agenda")]),
            None
        );
        assert_eq!(
            found(&[(Field::Url, "https://video.example.ac.uk/room/42")]),
            Some((
                Provider::Other,
                "https://video.example.ac.uk/room/42".into()
            ))
        );
        assert_eq!(found(&[(Field::Url, "http://zoom.us/j/1")]), None);
        assert_eq!(found(&[(Field::Url, "file:///tmp/x.html")]), None);
        assert_eq!(found(&[(Field::Location, "Café, 2nd floor")]), None);
    }

    #[test]
    fn custom_patterns_come_first() {
        let custom = [CustomPattern {
            name: "Uni video".into(),
            pattern: r"^https://video\.uni\.example/".into(),
        }];
        let got = detect(
            &[(
                Field::Description,
                "Join at https://video.uni.example/r/77 please",
            )],
            &custom,
        )
        .unwrap();
        assert_eq!(got.provider, Provider::Custom("Uni video".into()));
        assert_eq!(got.url, "https://video.uni.example/r/77");
        // A broken custom pattern is ignored rather than breaking detection.
        let broken = [CustomPattern {
            name: "x".into(),
            pattern: "(".into(),
        }];
        assert_eq!(
            detect(&[(Field::Url, "https://zoom.us/j/1")], &broken)
                .unwrap()
                .provider,
            Provider::Zoom
        );
    }
}
