//! Downloading a subscribed calendar feed.
//!
//! Accepts `https://` and `webcal://` (fetched over https). Plain `http://` is refused except to
//! this computer (loopback), which tests and local calendar servers use. Bounded in time and
//! size, so a slow or huge feed cannot hang the app.

use std::time::Duration;

use url::Url;

pub use crate::login::{shown_address, split_login, Login};

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
    /// A redirect to another server: a feed is only followed on its own server (its address may
    /// carry a private token or a password, which must not go anywhere else).
    #[error("The calendar's server sent it on to another server (“{0}”), which is not followed: a feed address can carry a private key. Ask for the calendar's direct address.")]
    Elsewhere(String),
    /// The server wants a name and password, or refused the ones it was given.
    #[error("The calendar's server asked for a name and password, or refused the ones it was given (“{0}”). Subscribe again with the address your calendar shares, including its name and password if it has them; your schedule was not changed.")]
    NeedsLogin(String),
    /// Network or server trouble.
    #[error("The calendar could not be downloaded ({0}). Your schedule was not changed; it will be tried again later.")]
    Network(String),
}

/// Most redirects followed for one feed.
pub const MAX_REDIRECTS: usize = 5;

/// Whether `url` may be fetched: https anywhere, plain http only to this computer.
fn allowed(url: &Url, shown: &str) -> Result<(), FetchError> {
    match url.scheme() {
        "https" => {}
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
        _ => return Err(FetchError::BadUrl(shown.into())),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::BadUrl(shown.into()));
    }
    Ok(())
}

/// The address that is actually fetched for a feed URL (`webcal:` becomes `https:`), without
/// any name and password in it ([`fetch`] sends those apart, to this server only).
pub fn feed_url(address: &str) -> Result<Url, FetchError> {
    let (trimmed, _) = split_login(address);
    let shown = crate::text::clean_text(&trimmed, 200);
    if trimmed.len() > 4096 {
        return Err(FetchError::BadUrl(shown));
    }
    let mut url = Url::parse(&trimmed).map_err(|_| FetchError::BadUrl(shown.clone()))?;
    if matches!(url.scheme(), "webcal" | "webcals") {
        let rest = trimmed.split_once(':').map(|(_, r)| r).unwrap_or_default();
        url =
            Url::parse(&format!("https:{rest}")).map_err(|_| FetchError::BadUrl(shown.clone()))?;
    }
    // Whatever the text looked like, no name or password reaches the request line.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::BadUrl(shown));
    }
    allowed(&url, &shown)?;
    Ok(url)
}

/// Downloads the feed, within `timeout` in all, as the bytes the server sent (the calendar
/// reader decodes them: UTF-8, or Windows-1252 with a note). Redirects are followed by hand, at
/// most [`MAX_REDIRECTS`]; every hop must pass the same rule as the first address (https only;
/// plain http only to this computer) and stay on the feed's own server (same host and port,
/// or the same host moving up to https), so a feed cannot send us — or the private token in its
/// address — to another service, a local one included.
///
/// A name and password in `address` are taken out of it and sent as [`fetch_as`] sends them.
pub fn fetch(address: &str, timeout: Duration) -> Result<Vec<u8>, FetchError> {
    let (address, login) = split_login(address);
    fetch_as(&address, login.as_ref(), timeout)
}

/// [`fetch`] with a name and password kept apart from the address: sent as HTTP Basic
/// authentication to the feed's own server, on the first request and on the redirects that
/// are followed (which never leave that server).
pub fn fetch_as(
    address: &str,
    login: Option<&Login>,
    timeout: Duration,
) -> Result<Vec<u8>, FetchError> {
    let mut url = feed_url(address)?;
    let first = url.clone();
    let deadline = std::time::Instant::now() + timeout;
    for _ in 0..=MAX_REDIRECTS {
        let remaining = deadline.saturating_duration_since(std::time::Instant::now());
        if remaining.is_zero() {
            return Err(FetchError::Network("it took too long".into()));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(remaining))
            .max_redirects(0)
            .build()
            .into();
        let mut request = agent
            .get(url.as_str())
            .header("Accept", "text/calendar, */*;q=0.5");
        if let Some(login) = login {
            request = request.header("Authorization", login.header());
        }
        let mut resp = request.call().map_err(|e| match e {
            ureq::Error::StatusCode(401 | 403) => FetchError::NeedsLogin(crate::text::clean_text(
                url.host_str().unwrap_or_default(),
                200,
            )),
            e => FetchError::Network(e.to_string()),
        })?;
        if resp.status().is_redirection() {
            let location = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    FetchError::Network("the server redirected without saying where".into())
                })?;
            let next = url.join(location).map_err(|_| {
                FetchError::Network("the server redirected to an address that is not valid".into())
            })?;
            let shown = crate::text::clean_text(location, 200);
            allowed(&next, &shown)?;
            let same_server = next.host_str() == first.host_str()
                && (next.port_or_known_default() == first.port_or_known_default()
                    || (first.scheme() == "http" && next.scheme() == "https"));
            if !same_server {
                return Err(FetchError::Elsewhere(crate::text::clean_text(
                    next.host_str().unwrap_or_default(),
                    200,
                )));
            }
            url = next;
            continue;
        }
        return resp
            .body_mut()
            .with_config()
            .limit(MAX_FEED_BYTES)
            .read_to_vec()
            .map_err(|e| FetchError::Network(e.to_string()));
    }
    Err(FetchError::Network(format!(
        "the server redirected more than {MAX_REDIRECTS} times"
    )))
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
        assert_eq!(got, body.as_bytes());
        server.join().unwrap();
        // Nothing listens there any more.
        let err = fetch(&format!("http://{addr}/cal.ics"), Duration::from_secs(5)).unwrap_err();
        assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    }

    /// A one-shot HTTP server on loopback answering each request with the next of `answers`.
    fn serve(answers: Vec<String>) -> (std::net::SocketAddr, std::thread::JoinHandle<usize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let h = std::thread::spawn(move || {
            let mut served = 0;
            for answer in answers {
                let Ok((mut s, _)) = listener.accept() else {
                    break;
                };
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    answer
                        .replace("{port}", &addr.port().to_string())
                        .as_bytes(),
                );
                served += 1;
            }
            served
        });
        (addr, h)
    }

    fn redirect(to: &str) -> String {
        format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    #[test]
    fn a_feed_in_windows_1252_arrives_as_its_bytes_and_is_read() {
        // "Café" in Windows-1252 (0xE9): once refused as not UTF-8 before the reader saw it.
        let ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTART:20301202T180000Z\r\nDURATION:PT1H\r\nSUMMARY:Caf\xe9 talk\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".to_vec();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let body = ics.clone();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/calendar; charset=windows-1252\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            s.write_all(head.as_bytes()).unwrap();
            s.write_all(&body).unwrap();
        });
        let got = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap();
        server.join().unwrap();
        assert_eq!(got, ics);
        let now: jiff::Timestamp = "2030-12-01T00:00:00Z".parse().unwrap();
        let out =
            crate::ics::import_bytes(&got, &crate::ImportOptions::new("feed", "UTC", now)).unwrap();
        assert_eq!(out.sessions[0].mentee, "Café talk");
    }

    #[test]
    fn every_redirect_hop_must_pass_the_rule() {
        // To a cloud metadata address over plain http: refused before any connection to it.
        let (addr, h) = serve(vec![redirect("http://169.254.169.254/latest/meta-data/")]);
        let err = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap_err();
        assert_eq!(err, FetchError::Insecure);
        assert_eq!(h.join().unwrap(), 1);
        // To a local file: refused.
        let (addr, h) = serve(vec![redirect("file:///etc/passwd")]);
        let err = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap_err();
        assert!(matches!(err, FetchError::BadUrl(_)), "{err:?}");
        h.join().unwrap();
        // A relative redirect on loopback is followed.
        let body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
        let (addr, h) = serve(vec![
            redirect("/moved.ics"),
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        ]);
        let got = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap();
        assert_eq!(got, body.as_bytes());
        assert_eq!(h.join().unwrap(), 2);
        // To another port on this computer (another local service): not followed.
        let (other, _keep) = serve(vec![]);
        let (addr, h) = serve(vec![redirect(&format!(
            "http://127.0.0.1:{}/x.ics",
            other.port()
        ))]);
        let err = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap_err();
        assert_eq!(err, FetchError::Elsewhere("127.0.0.1".into()));
        assert!(err.to_string().contains("another server"), "{err}");
        assert_eq!(h.join().unwrap(), 1);
        // A redirect loop ends.
        let (addr, h) = serve(vec![redirect("/again.ics"); MAX_REDIRECTS + 1]);
        let err = fetch(&format!("http://{addr}/feed.ics"), Duration::from_secs(5)).unwrap_err();
        assert!(
            err.to_string().contains("redirected more than 5 times"),
            "{err}"
        );
        assert_eq!(h.join().unwrap(), MAX_REDIRECTS + 1);
    }

    /// Like [`serve`], and hands back each request's head as it arrived.
    fn serve_recording(
        answers: Vec<String>,
    ) -> (std::net::SocketAddr, std::thread::JoinHandle<Vec<String>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let h = std::thread::spawn(move || {
            let mut heads = Vec::new();
            for answer in answers {
                let Ok((mut s, _)) = listener.accept() else {
                    break;
                };
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap_or(0);
                heads.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                let _ = s.write_all(answer.as_bytes());
            }
            heads
        });
        (addr, h)
    }

    #[test]
    fn a_name_and_password_are_split_from_the_address_as_parsers_read_it() {
        let (a, l) = split_login(" webcal://mentor%40x.org:p%3Ass@cal.example.org/f.ics ");
        assert_eq!(a, "webcal://cal.example.org/f.ics");
        let l = l.unwrap();
        assert_eq!(
            (l.user.as_str(), l.password.as_str()),
            ("mentor@x.org", "p:ss")
        );
        assert_eq!(Login::from_userinfo(&l.to_userinfo()), Some(l.clone()));
        assert!(!format!("{l:?}").contains("p:ss"));
        // The last @ before the path ends the userinfo; an @ in the path or query is not one.
        let (a, l) = split_login("https://a:b@c@host.example/x@y?z=@w");
        assert_eq!(a, "https://host.example/x@y?z=@w");
        assert_eq!(l.unwrap().password, "b@c");
        let (a, l) = split_login("https://host.example/p@th");
        assert_eq!((a.as_str(), l), ("https://host.example/p@th", None));
        // A backslash ends the authority as it does for the URL parser.
        let (a, l) = split_login("https://host.example\\@evil.example/");
        assert_eq!(
            (a.as_str(), l),
            ("https://host.example\\@evil.example/", None)
        );
        assert!(feed_url(&a).unwrap().username().is_empty());
        assert_eq!(split_login("https://@host.example/").1, None);
        // Errors and the shown address never carry the password.
        let err = feed_url("ftp://me:hunter2@host.example/").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(
            shown_address("https://me:hunter2@host.example/f.ics"),
            "https://host.example/f.ics"
        );
        let url = feed_url("https://me:hunter2@host.example/f.ics").unwrap();
        assert_eq!(url.as_str(), "https://host.example/f.ics");
    }

    #[test]
    fn a_login_goes_to_the_feeds_own_server_as_basic_auth_never_in_the_address() {
        let body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
        let ok = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let (addr, h) = serve_recording(vec![redirect("/moved.ics"), ok]);
        let got = fetch(
            &format!("http://mentor:s%3Acret@{addr}/feed.ics"),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(got, body.as_bytes());
        let heads = h.join().unwrap();
        assert_eq!(heads.len(), 2);
        // "mentor:s:cret" in base64, on the first request and on the followed redirect.
        for head in &heads {
            assert!(
                head.contains("authorization: Basic bWVudG9yOnM6Y3JldA==")
                    || head.contains("Authorization: Basic bWVudG9yOnM6Y3JldA=="),
                "{head}"
            );
            assert!(
                !head.contains("cret@") && !head.contains("mentor:"),
                "{head}"
            );
        }
        assert!(heads[1].starts_with("GET /moved.ics "), "{}", heads[1]);
    }

    #[test]
    fn a_refused_login_is_said_in_words() {
        let (addr, h) = serve_recording(vec![
            "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
        ]);
        let login = Login::from_userinfo("me:wrong");
        let err = fetch_as(
            &format!("http://{addr}/f.ics"),
            login.as_ref(),
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert_eq!(err, FetchError::NeedsLogin("127.0.0.1".into()));
        assert!(err.to_string().contains("name and password"), "{err}");
        assert!(!err.to_string().contains("wrong"));
        h.join().unwrap();
    }
}
