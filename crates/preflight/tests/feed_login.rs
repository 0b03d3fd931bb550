//! A calendar feed whose address carries a name and password: they go to the password store
//! (here one held in memory), never into the database; every fetch sends them to the feed's
//! own server; without a reachable store nothing is subscribed; unsubscribing forgets them; a
//! store that lost them is said in words on the next refresh.

use std::io::{Read, Write};
use std::sync::Arc;

use preflight::imports::{feed_key, refresh_subscriptions, subscribe, unsubscribe, ImportError};
use preflight::Context;
use preflight_host::secrets::{MemorySecrets, NoSecrets, Secrets};

const ICS: &str = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:one\r\nDTSTART:20301202T180000Z\r\nDURATION:PT1H\r\nSUMMARY:Sam\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
const PASSWORD: &str = "Tr0ub4dor-feed-secret";

/// A feed server on loopback that answers the calendar only to `mentor:PASSWORD` (HTTP Basic)
/// and 401 to anything else; counts the requests it saw carrying the right login.
fn server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let good = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = good.clone();
    // base64("mentor:Tr0ub4dor-feed-secret")
    let expected = "Basic bWVudG9yOlRyMHViNGRvci1mZWVkLXNlY3JldA==";
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { break };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            let ok = head.contains(&format!("authorization: {}", expected.to_lowercase()));
            let answer = if ok {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ICS}",
                    ICS.len()
                )
            } else {
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            let _ = s.write_all(answer.as_bytes());
        }
    });
    (format!("127.0.0.1:{port}"), good)
}

fn now() -> jiff::Timestamp {
    "2030-12-01T00:00:00Z".parse().unwrap()
}

/// A context in a temporary folder at [`now`], its secrets kept in memory.
fn with_memory_store() -> (tempfile::TempDir, Arc<MemorySecrets>, Context) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemorySecrets::default());
    let ctx = Context::in_folder(dir.path())
        .at_time(now())
        .with_secrets(store.clone());
    (dir, store, ctx)
}

/// Every byte the data folder holds (database, its journal, anything beside it).
fn all_data(ctx: &Context) -> Vec<u8> {
    let mut bytes = Vec::new();
    for e in std::fs::read_dir(ctx.data_dir().unwrap()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            bytes.extend(std::fs::read(&p).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_feeds_login_lives_in_the_password_store_and_goes_only_to_its_server() {
    let (host, good) = server();
    let (_dir, store, ctx) = with_memory_store();
    let address = format!("http://{host}/feed.ics");
    let summary = subscribe(
        &ctx,
        &format!("http://mentor:{PASSWORD}@{host}/feed.ics"),
        now(),
        None,
    )
    .unwrap();
    assert_eq!(summary.added, 1);
    assert_eq!(summary.calendar, address);
    let schedule = ctx.db().unwrap().schedule().unwrap();
    assert_eq!(schedule.subscriptions.len(), 1);
    assert_eq!(schedule.subscriptions[0].url, address);
    assert!(schedule.subscriptions[0].password_kept);
    assert_eq!(
        store.get(&feed_key(&address)).unwrap().as_deref(),
        Some(format!("mentor:{PASSWORD}").as_str())
    );
    assert!(
        !contains(&all_data(&ctx), PASSWORD),
        "the password is in the data folder"
    );
    assert!(!contains(&all_data(&ctx), "mentor:"));

    // A refresh sends the kept login again.
    let subs = refresh_subscriptions(&ctx, now()).unwrap();
    assert_eq!(subs[0].last_error, None);
    assert_eq!(good.load(std::sync::atomic::Ordering::SeqCst), 2);

    // Subscribing again without it (to say which programme, say) uses the one kept.
    subscribe(&ctx, &address, now(), None).unwrap();
    assert_eq!(good.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(ctx.db().unwrap().schedule().unwrap().subscriptions[0].password_kept);

    // A store that lost it: the refresh says so on the subscription; the sessions stay.
    store.forget(&feed_key(&address)).unwrap();
    let subs = refresh_subscriptions(&ctx, now()).unwrap();
    let e = subs[0].last_error.clone().unwrap();
    assert!(
        e.contains("no longer in your computer's password store"),
        "{e}"
    );
    assert!(!e.contains(PASSWORD));
    assert_eq!(ctx.db().unwrap().schedule().unwrap().sessions.len(), 1);

    // Unsubscribing, even with the address as pasted, forgets the login.
    store
        .set(&feed_key(&address), &format!("mentor:{PASSWORD}"))
        .unwrap();
    assert!(unsubscribe(&ctx, &format!("http://mentor:{PASSWORD}@{host}/feed.ics")).unwrap());
    assert!(store.is_empty());
    let schedule = ctx.db().unwrap().schedule().unwrap();
    assert!(schedule.subscriptions.is_empty() && schedule.sessions.is_empty());
    assert!(!unsubscribe(&ctx, &address).unwrap());
}

#[test]
fn without_a_password_store_a_login_is_never_kept_and_nothing_is_subscribed() {
    let (host, _) = server();
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path())
        .at_time(now())
        .with_secrets(Arc::new(NoSecrets));
    let err = subscribe(
        &ctx,
        &format!("http://mentor:{PASSWORD}@{host}/feed.ics"),
        now(),
        None,
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Login(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("password store") && msg.contains("not subscribed"),
        "{msg}"
    );
    assert!(!msg.contains(PASSWORD));
    let schedule = ctx.db().unwrap().schedule().unwrap();
    assert!(schedule.subscriptions.is_empty() && schedule.sessions.is_empty());
    assert!(!contains(&all_data(&ctx), PASSWORD));

    // A feed without a login needs no store; a wrong login is refused in words.
    let err = subscribe(
        &ctx,
        &format!("http://mentor:wrong@{host}/feed.ics"),
        now(),
        None,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("asked for a name and password"),
        "{err}"
    );
    assert!(!err.to_string().contains("wrong"));
}

#[test]
fn an_earlier_versions_address_with_a_password_moves_it_to_the_store() {
    let (host, good) = server();
    let (_dir, store, ctx) = with_memory_store();
    let data = ctx.data_dir().unwrap().to_path_buf();
    std::fs::create_dir_all(&data).unwrap();
    let old = format!("http://mentor:{PASSWORD}@{host}/feed.ics");
    let address = format!("http://{host}/feed.ics");
    let schedule = serde_json::json!({
        "sessions": [{"id": "one@1922464800", "mentee": "Sam", "start": "2030-12-02T18:00:00Z",
            "timeZone": "UTC", "durationMin": 60, "link": null, "template": null,
            "sessionNumber": null, "source": {"kind": "calendar", "calendar": old, "uid": "one"}}],
        "subscriptions": [{"url": old, "lastFetched": null, "lastError": null}],
        "calendarProgrammes": {old.clone(): {"programme": "brokerage", "under18": false}}
    });
    std::fs::write(data.join("schedule.json"), schedule.to_string()).unwrap();
    let s = ctx.db().unwrap().schedule().unwrap();
    assert_eq!(s.subscriptions[0].url, address);
    assert!(s.subscriptions[0].password_kept);
    assert!(matches!(
        &s.sessions[0].source,
        preflight::calendar::SessionSource::Calendar { calendar, .. } if *calendar == address
    ));
    assert!(s.calendar_programmes.contains_key(&address));
    assert!(store.get(&feed_key(&address)).unwrap().is_some());
    assert!(
        !contains(&all_data(&ctx), PASSWORD),
        "a copy stays in the data folder"
    );
    assert!(data.join("schedule.json.migrated").exists());
    // The refresh is let in, and the session keeps its id (the one the move gave it).
    let id = s.sessions[0].id.clone();
    assert_eq!(
        refresh_subscriptions(&ctx, now()).unwrap()[0].last_error,
        None
    );
    assert_eq!(good.load(std::sync::atomic::Ordering::SeqCst), 1);
    let after = ctx.db().unwrap().schedule().unwrap();
    assert_eq!(after.sessions.len(), 1);
    assert_eq!(after.sessions[0].id, id);
}
