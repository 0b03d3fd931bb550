//! The microphone's one owner: a feed that opens it once, on a thread of its own, and hands
//! every chunk of audio to whoever listens — the meter, the check, *hear yourself*, the speaker
//! test listening for its chime — instead of each of them opening the device in turn. The
//! microphone stays open while anyone subscribes; when the last one lets go it is closed, and
//! [`MicFeed::close_if_unused`] returns only once it is (the window letting go of the
//! microphone when the meeting app comes to the front).
//!
//! It owns every microphone, each opened once: microphones in use stay open side by side (the
//! check listens on all of them at once to find the one that hears the mentor best), and one
//! that nobody listens to any more is closed before another is opened (the meter moving to
//! another microphone; two names for one sound card that cannot be opened twice).
//!
//! The device is held to real time ([`preflight_audio::open_mic`]), so a file standing in for a
//! microphone is heard at a microphone's pace by every subscriber. Audio lives in memory only,
//! for as long as a subscriber keeps it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use preflight_audio::{AudioError, MicRead, MicSource};

/// What the opened device says about itself.
#[derive(Debug, Clone)]
struct MicInfo {
    name: String,
    sample_rate: u32,
    channels: u16,
}

/// Who listens now, each with the id its subscription removes itself by; `None` once the feed's
/// thread is closing the device (a subscriber added then would wait for audio that never
/// comes: it opens the microphone afresh instead).
type Subscribers = Arc<Mutex<Option<Vec<(u64, Sender<MicRead>)>>>>;

/// Opens a microphone on the feed's thread.
type Opener = Box<dyn FnOnce() -> Result<Box<dyn MicSource>, AudioError> + Send>;

/// The feed while the microphone is open.
struct Open {
    /// The device asked for: a name, or `None` for the system default.
    choice: Option<String>,
    info: MicInfo,
    subscribers: Subscribers,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// The one owner of the microphones.
#[derive(Default)]
pub struct MicFeed {
    /// The microphones open now, one feed each.
    open: Mutex<Vec<Open>>,
    next_id: AtomicU64,
}

/// The process's microphone feed (each microphone is one device, whoever asks for it).
pub fn mic_feed() -> &'static MicFeed {
    static FEED: OnceLock<MicFeed> = OnceLock::new();
    FEED.get_or_init(MicFeed::default)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long the device may deliver nothing before it is called silent and closed.
const STALL: Duration = preflight_audio::capture::MONITOR_STALL;

impl MicFeed {
    /// Audio from `device` (the system default when `None`) from now on, opening it with
    /// [`preflight_audio::open_mic`] unless it is open already.
    pub fn subscribe(&self, device: Option<&str>) -> Result<MicSubscription, AudioError> {
        let d = device.map(str::to_string);
        self.subscribe_with(device, move || {
            preflight_audio::open_mic(d.as_deref()).map(|m| Box::new(m) as Box<dyn MicSource>)
        })
    }

    /// Audio from `device` from now on; `open` opens it (on a thread of its own) unless it is
    /// open already. Microphones nobody listens to any more are closed first; those in use stay
    /// open beside it.
    pub fn subscribe_with(
        &self,
        device: Option<&str>,
        open: impl FnOnce() -> Result<Box<dyn MicSource>, AudioError> + Send + 'static,
    ) -> Result<MicSubscription, AudioError> {
        let choice = device.map(str::to_string);
        let mut slots = lock(&self.open);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = channel();
        if let Some(o) = slots
            .iter()
            .find(|o| o.choice == choice && !o.thread.is_finished())
        {
            if let Some(list) = lock(&o.subscribers).as_mut() {
                list.push((id, tx));
                return Ok(MicSubscription {
                    rx,
                    id,
                    subscribers: o.subscribers.clone(),
                    info: o.info.clone(),
                });
            }
            // Closing as nobody was left: closed below, then opened again.
        }
        // A device let go of is closed before another is opened (this one included, when it
        // was closing).
        close_unused(&mut slots);
        // Subscribed before the thread starts, so it never finds nobody listening.
        let subscribers: Subscribers = Arc::new(Mutex::new(Some(vec![(id, tx)])));
        let stop = Arc::new(AtomicBool::new(false));
        let (opened_tx, opened_rx) = sync_channel(1);
        let thread = {
            let (subscribers, stop) = (subscribers.clone(), stop.clone());
            let open: Opener = Box::new(open);
            std::thread::Builder::new()
                .name("microphone feed".into())
                .spawn(move || run(open, opened_tx, subscribers, stop))
                .map_err(|e| AudioError::Backend {
                    device: device.unwrap_or("microphone").to_string(),
                    message: e.to_string(),
                })?
        };
        let info = match opened_rx.recv() {
            Ok(Ok(info)) => info,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(AudioError::NoData(
                    device.unwrap_or("microphone").to_string(),
                ));
            }
        };
        slots.push(Open {
            choice,
            info: info.clone(),
            subscribers: subscribers.clone(),
            stop,
            thread,
        });
        Ok(MicSubscription {
            rx,
            id,
            subscribers,
            info,
        })
    }

    /// Closes every microphone now, whoever listens (their subscriptions end), and returns once
    /// they are closed.
    pub fn release(&self) {
        for o in std::mem::take(&mut *lock(&self.open)) {
            end(o);
        }
    }

    /// Closes the microphones nobody listens to any more, and returns once they are closed: the
    /// awaited end of a hand-over (the meter stopped because the meeting app came to the front,
    /// or because the window closed).
    pub fn close_if_unused(&self) {
        close_unused(&mut lock(&self.open));
    }

    /// Whether a microphone is open.
    pub fn is_open(&self) -> bool {
        self.open_count() > 0
    }

    /// How many microphones are open.
    pub fn open_count(&self) -> usize {
        lock(&self.open)
            .iter()
            .filter(|o| !o.thread.is_finished())
            .count()
    }
}

/// Closes (and forgets) the feeds in `slots` whose thread has ended or that nobody listens to,
/// returning once each device is closed.
fn close_unused(slots: &mut Vec<Open>) {
    let (unused, kept): (Vec<Open>, Vec<Open>) = std::mem::take(slots).into_iter().partition(|o| {
        o.thread.is_finished() || lock(&o.subscribers).as_ref().is_none_or(Vec::is_empty)
    });
    *slots = kept;
    for o in unused {
        end(o);
    }
}

/// Tells the feed's thread to stop, and waits until it has closed the device.
fn end(o: Open) {
    o.stop.store(true, Ordering::Relaxed);
    let _ = o.thread.join();
}

/// The feed's thread: opens the device, then hands every read to every subscriber until nobody
/// listens, the device fails, or it is told to stop.
fn run(
    open: Opener,
    opened: SyncSender<Result<MicInfo, AudioError>>,
    subscribers: Subscribers,
    stop: Arc<AtomicBool>,
) {
    let mut source = match open() {
        Ok(s) => s,
        Err(e) => {
            let _ = opened.send(Err(e));
            return;
        }
    };
    let info = MicInfo {
        name: source.name().to_string(),
        sample_rate: source.sample_rate(),
        channels: source.channels(),
    };
    let _ = opened.send(Ok(info.clone()));
    let mut last_data = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let read = match source.read(Duration::from_millis(100)) {
            MicRead::Data(d) => {
                last_data = Instant::now();
                MicRead::Data(d)
            }
            MicRead::Nothing if last_data.elapsed() > STALL => {
                MicRead::Failed(AudioError::NoData(info.name.clone()))
            }
            // The device stream ended by itself: to its listeners, it stopped delivering.
            MicRead::Ended => MicRead::Failed(AudioError::NoData(info.name.clone())),
            other => other,
        };
        let failed = matches!(read, MicRead::Failed(_));
        let mut subs = lock(&subscribers);
        let list = subs.get_or_insert_with(Vec::new);
        if !matches!(read, MicRead::Nothing) {
            list.retain(|(_, s)| s.send(read.clone()).is_ok());
        }
        if list.is_empty() || failed {
            // Closed under the same lock that found nobody: no one can join a closing feed.
            *subs = None;
            break;
        }
    }
    // Nobody listens (or the device failed, or the feed was told to stop): end every
    // subscription, and close the device.
    *lock(&subscribers) = None;
    drop(source);
    tracing::info!(microphone = %info.name, "microphone closed");
}

/// A subscription to the feed, read as a microphone: audio from the moment of subscribing.
/// Dropping it lets go of the microphone (closed once nobody else listens).
pub struct MicSubscription {
    rx: Receiver<MicRead>,
    id: u64,
    subscribers: Subscribers,
    info: MicInfo,
}

impl MicSource for MicSubscription {
    fn name(&self) -> &str {
        &self.info.name
    }

    fn sample_rate(&self) -> u32 {
        self.info.sample_rate
    }

    fn channels(&self) -> u16 {
        self.info.channels
    }

    fn read(&mut self, wait: Duration) -> MicRead {
        match self.rx.recv_timeout(wait) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => MicRead::Nothing,
            // The feed closed the device (it was released, or it failed).
            Err(RecvTimeoutError::Disconnected) => MicRead::Ended,
        }
    }
}

impl Drop for MicSubscription {
    fn drop(&mut self) {
        let id = self.id;
        if let Some(list) = lock(&self.subscribers).as_mut() {
            list.retain(|(i, _)| *i != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A microphone playing a ramp at real pace (10 ms chunks at 8 kHz) that counts how often
    /// it was opened and how many are open; `fail_after` chunks, it fails.
    struct Counted {
        name: String,
        start: Instant,
        chunks: u32,
        fail_after: Option<u32>,
        open_now: Arc<AtomicUsize>,
    }

    impl MicSource for Counted {
        fn name(&self) -> &str {
            &self.name
        }
        fn sample_rate(&self) -> u32 {
            8_000
        }
        fn channels(&self) -> u16 {
            1
        }
        fn read(&mut self, wait: Duration) -> MicRead {
            if self.fail_after.is_some_and(|n| self.chunks >= n) {
                return MicRead::Failed(AudioError::Disconnected(self.name.clone()));
            }
            let due = self.start + Duration::from_millis(10 * u64::from(self.chunks));
            let now = Instant::now();
            if due > now + wait {
                std::thread::sleep(wait);
                return MicRead::Nothing;
            }
            std::thread::sleep(due.saturating_duration_since(now));
            self.chunks += 1;
            let base = self.chunks as f32;
            MicRead::Data((0..80).map(|i| (base + i as f32) / 1e4).collect())
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.open_now.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn counted(
        name: &str,
        opened: &Arc<AtomicUsize>,
        open_now: &Arc<AtomicUsize>,
        fail_after: Option<u32>,
    ) -> impl FnOnce() -> Result<Box<dyn MicSource>, AudioError> + Send + 'static {
        let (name, opened, open_now) = (name.to_string(), opened.clone(), open_now.clone());
        move || {
            opened.fetch_add(1, Ordering::SeqCst);
            open_now.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(Counted {
                name,
                start: Instant::now(),
                chunks: 0,
                fail_after,
                open_now,
            }) as Box<dyn MicSource>)
        }
    }

    fn counters() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)))
    }

    fn next_data(s: &mut MicSubscription) -> Arc<[f32]> {
        for _ in 0..100 {
            if let MicRead::Data(d) = s.read(Duration::from_millis(100)) {
                return d;
            }
        }
        panic!("no audio");
    }

    #[test]
    fn the_meter_and_the_check_share_one_open_microphone_closed_after_the_last() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let mut meter = feed
            .subscribe_with(Some("mic"), counted("mic", &opened, &open_now, None))
            .unwrap();
        let mut check = feed
            .subscribe_with(Some("mic"), counted("mic", &opened, &open_now, None))
            .unwrap();
        // Both hear the same audio, from one opening of the device (each from the moment it
        // subscribed: the check's first chunk is one the meter hears too).
        let first = next_data(&mut check);
        let heard: Vec<Arc<[f32]>> = (0..5).map(|_| next_data(&mut meter)).collect();
        assert!(
            heard.contains(&first),
            "the same chunk reaches every subscriber"
        );
        assert_eq!(opened.load(Ordering::SeqCst), 1);
        assert_eq!(check.name(), "mic");
        // The check records while the meter measures: a fifth of a second of audio.
        let cap = preflight_audio::record(&mut check, Duration::from_millis(200), |_| {}).unwrap();
        assert_eq!((cap.samples.len(), cap.device_name.as_str()), (1600, "mic"));
        drop(meter);
        assert!(feed.is_open(), "the check still listens");
        assert!(matches!(
            check.read(Duration::from_secs(1)),
            MicRead::Data(_)
        ));
        // The last one lets go: when close_if_unused returns, the device is closed.
        drop(check);
        feed.close_if_unused();
        assert_eq!(open_now.load(Ordering::SeqCst), 0, "left open");
        assert!(!feed.is_open());
    }

    /// A microphone that takes `for` to close, saying when it starts to.
    struct SlowClose(Box<dyn MicSource>, Arc<AtomicBool>, Duration);

    impl MicSource for SlowClose {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn sample_rate(&self) -> u32 {
            self.0.sample_rate()
        }
        fn channels(&self) -> u16 {
            self.0.channels()
        }
        fn read(&mut self, wait: Duration) -> MicRead {
            self.0.read(wait)
        }
    }

    impl Drop for SlowClose {
        fn drop(&mut self) {
            self.1.store(true, Ordering::SeqCst);
            std::thread::sleep(self.2);
        }
    }

    #[test]
    fn a_listener_who_comes_while_the_microphone_closes_gets_it_opened_again() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let closing = Arc::new(AtomicBool::new(false));
        let open_slow = {
            let (inner, closing) = (counted("mic", &opened, &open_now, None), closing.clone());
            move || {
                inner().map(|m| {
                    Box::new(SlowClose(m, closing, Duration::from_millis(300)))
                        as Box<dyn MicSource>
                })
            }
        };
        let mut first = feed.subscribe_with(None, open_slow).unwrap();
        next_data(&mut first);
        drop(first);
        // The last listener left: the feed's thread is closing the device (it takes 300 ms).
        let t0 = Instant::now();
        while !closing.load(Ordering::SeqCst) {
            assert!(t0.elapsed() < Duration::from_secs(5), "never closed");
            std::thread::sleep(Duration::from_millis(1));
        }
        // Coming now, the check must not join the closing feed (and wait for audio that never
        // comes): it gets the microphone opened again.
        let mut check = feed
            .subscribe_with(None, counted("mic", &opened, &open_now, None))
            .unwrap();
        next_data(&mut check);
        assert_eq!(opened.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_microphone_still_in_use_is_not_closed_for_another_users_hand_over() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let mut check = feed
            .subscribe_with(None, counted("default", &opened, &open_now, None))
            .unwrap();
        let meter = feed
            .subscribe_with(None, counted("default", &opened, &open_now, None))
            .unwrap();
        // The window loses the focus: the meter lets go, the check keeps listening.
        drop(meter);
        feed.close_if_unused();
        assert_eq!(open_now.load(Ordering::SeqCst), 1);
        next_data(&mut check);
    }

    #[test]
    fn a_microphone_let_go_of_is_closed_before_another_is_opened() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let mut first = feed
            .subscribe_with(Some("a"), counted("a", &opened, &open_now, None))
            .unwrap();
        next_data(&mut first);
        // The meter moves to another microphone: it lets go of the first, then asks for "b".
        drop(first);
        let seen_open = Arc::new(AtomicUsize::new(usize::MAX));
        let (o2, seen, opened2) = (open_now.clone(), seen_open.clone(), opened.clone());
        let open_b = move || {
            // Opened on its feed's thread: the first microphone must be closed by now.
            seen.store(o2.load(Ordering::SeqCst), Ordering::SeqCst);
            counted("b", &opened2, &o2, None)()
        };
        let mut second = feed.subscribe_with(Some("b"), open_b).unwrap();
        assert_eq!(
            seen_open.load(Ordering::SeqCst),
            0,
            "a microphone nobody used was still open"
        );
        assert_eq!(second.name(), "b");
        next_data(&mut second);
        assert_eq!(feed.open_count(), 1);
    }

    #[test]
    fn microphones_in_use_are_open_side_by_side_and_release_closes_them_all() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let mut a = feed
            .subscribe_with(Some("a"), counted("a", &opened, &open_now, None))
            .unwrap();
        let mut b = feed
            .subscribe_with(Some("b"), counted("b", &opened, &open_now, None))
            .unwrap();
        let mut a2 = feed
            .subscribe_with(Some("a"), counted("a", &opened, &open_now, None))
            .unwrap();
        // Both are heard at once, each from one opening.
        next_data(&mut a);
        next_data(&mut b);
        next_data(&mut a2);
        assert_eq!((a.name(), b.name(), a2.name()), ("a", "b", "a"));
        assert_eq!(opened.load(Ordering::SeqCst), 2);
        assert_eq!(feed.open_count(), 2);
        // One let go of: closed by the hand-over, the other stays.
        drop(b);
        feed.close_if_unused();
        assert_eq!(open_now.load(Ordering::SeqCst), 1);
        next_data(&mut a);
        // Released: every subscription ends, and every device is closed when release returns.
        feed.release();
        assert_eq!(open_now.load(Ordering::SeqCst), 0);
        assert!(!feed.is_open());
        for s in [&mut a, &mut a2] {
            let ended =
                (0..100).any(|_| matches!(s.read(Duration::from_millis(50)), MicRead::Ended));
            assert!(ended);
        }
    }

    #[test]
    fn a_microphone_that_fails_says_why_to_every_listener_and_closes() {
        let feed = MicFeed::default();
        let (opened, open_now) = counters();
        let mut a = feed
            .subscribe_with(None, counted("usb", &opened, &open_now, Some(3)))
            .unwrap();
        let mut b = feed
            .subscribe_with(None, counted("usb", &opened, &open_now, Some(3)))
            .unwrap();
        let failed = |s: &mut MicSubscription| {
            (0..100).find_map(|_| match s.read(Duration::from_millis(100)) {
                MicRead::Failed(e) => Some(e),
                _ => None,
            })
        };
        assert_eq!(failed(&mut a), Some(AudioError::Disconnected("usb".into())));
        assert_eq!(failed(&mut b), Some(AudioError::Disconnected("usb".into())));
        // A recording through a failed feed says why, not "no audio".
        let e = preflight_audio::record(&mut a, Duration::from_millis(100), |_| {});
        assert!(e.is_err());
        let t0 = Instant::now();
        while feed.is_open() && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!feed.is_open());
        assert_eq!(open_now.load(Ordering::SeqCst), 0);
        // The next subscriber opens it afresh.
        let _again = feed
            .subscribe_with(None, counted("usb", &opened, &open_now, None))
            .unwrap();
        assert_eq!(opened.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_microphone_that_cannot_open_says_why_to_its_subscriber() {
        let feed = MicFeed::default();
        let e = feed
            .subscribe_with(Some("gone"), || Err(AudioError::Busy("gone".into())))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e, AudioError::Busy("gone".into()));
        assert!(!feed.is_open());
    }
}
