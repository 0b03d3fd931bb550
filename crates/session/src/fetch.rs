//! Downloading a subscribed calendar feed.
//!
//! Accepts `https://` and `webcal://` (fetched over https). Plain `http://` is refused except to
//! this computer (loopback), which tests and local calendar servers use. Bounded in time and
//! size, so a slow or huge feed cannot hang the app.

use std::time::Duration;

use url::Url;

/// Largest feed read (a year of a busy calendar is well under this).
pub const MAX_FEED_BYTES: u64 = 8 * 1024 * 1024;

/// Why a feed could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Not an address we fetch.
    #[error("“{0}” is not a calendar address; paste the https:// or webcal:// link from your calendar's sharing settings.")]
    BadUrl(String),
    /// http to a remote host.
    #[error("Calendar feeds are fetched only over https, so nobody can change your schedule on the way.")]
    Insecure,
    /// Network or server trouble.
    #[error("The calendar could not be downloaded ({0}). Your schedule was not changed; it will be tried again later.")]
    Network(String),
}

/// The address that is actually fetched for a feed URL (`webcal:` becomes `https:`).
pub fn feed_url(address: &str) -> Result<Url, FetchError> {
    let trimmed = address.trim();
    let mut url = Url::parse(trimmed).map_err(|_| FetchError::BadUrl(trimmed.into()))?;
    match url.scheme() {
        "https" => {}
        "webcal" | "webcals" => {
            let rest = trimmed.split_once(':').map(|(_, r)| r).unwrap_or_default();
            url = Url::parse(&format!("https:{rest}"))
                .map_err(|_| FetchError::BadUrl(trimmed.into()))?;
        }
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(a)) => a.is_loopback(),
                Some(url::Host::Ipv6(a)) => a.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            };
            if !loopback {
                return Err(FetchError::Insecure);
            }
        }
        _ => return Err(FetchError::BadUrl(trimmed.into())),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::BadUrl(trimmed.into()));
    }
    Ok(url)
}

/// Downloads the feed's text, within `timeout`.
pub fn fetch(address: &str, timeout: Duration) -> Result<String, FetchError> {
    let url = feed_url(address)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut resp = agent
        .get(url.as_str())
        .header("Accept", "text/calendar, */*;q=0.5")
        .call()
        .map_err(|e| FetchError::Network(e.to_string()))?;
    resp.body_mut()
        .with_config()
        .limit(MAX_FEED_BYTES)
        .read_to_string()
        .map_err(|e| FetchError::Network(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn feed_addresses() {
        assert_eq!(
            feed_url("webcal://calendar.example.org/feed.ics")
                .unwrap()
                .as_str(),
            "https://calendar.example.org/feed.ics"
        );
        assert!(feed_url("https://calendar.example.org/a.ics").is_ok());
        assert_eq!(
            feed_url("http://calendar.example.org/a.ics"),
            Err(FetchError::Insecure)
        );
        assert!(feed_url("http://127.0.0.1:8080/a.ics").is_ok());
        assert!(matches!(
            feed_url("file:///etc/passwd"),
            Err(FetchError::BadUrl(_))
        ));
        assert!(matches!(
            feed_url("calendar.ics"),
            Err(FetchError::BadUrl(_))
        ));
    }

    #[test]
    fn fetches_from_a_local_server_and_reports_failures() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        });
        let got = fetch(&format!("http://{addr}/cal.ics"), Duration::from_secs(5)).unwrap();
        assert_eq!(got, body);
        server.join().unwrap();
        // Nothing listens there any more.
        let err = fetch(&format!("http://{addr}/cal.ics"), Duration::from_secs(5)).unwrap_err();
        assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    }
}
