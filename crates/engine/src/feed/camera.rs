//! The camera's one owner: a feed that opens it once, on a thread of its own, and hands every
//! frame to whoever is looking — the live preview and the check at the same time — instead of
//! each of them opening the device in turn. The camera stays open while anyone subscribes and
//! is closed when the last one lets go; a different camera is opened only after the thread
//! holding the first has closed it (an awaited hand-over, never a pause).
//!
//! Frames from a source faster than real time (a picture standing in for a camera) are held to
//! real time here, so every subscriber sees a camera's pace.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use preflight_camera::{CameraError, Frame, FrameSource};

use crate::cameras::{open_camera, CameraChoice};

/// What a subscriber gets: a frame, or why the camera stopped.
type Delivery = Result<Frame, CameraError>;

/// What the opened source says about itself.
#[derive(Debug, Clone)]
struct SourceInfo {
    name: String,
    still: bool,
    requested: Option<(u32, u32, u32)>,
}

/// The feed while the camera is open.
struct Open {
    choice: CameraChoice,
    info: SourceInfo,
    subscribers: Subscribers,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// Who is looking; `None` once the feed's thread is closing the camera (a subscriber added then
/// would wait for frames that never come: it opens the camera afresh instead).
type Subscribers = Arc<Mutex<Option<Vec<Sender<Delivery>>>>>;

/// The one owner of the camera.
#[derive(Default)]
pub struct CameraFeed {
    open: Mutex<Option<Open>>,
}

/// The process's camera feed (the camera is one device, whoever asks for it).
pub fn camera_feed() -> &'static CameraFeed {
    static FEED: OnceLock<CameraFeed> = OnceLock::new();
    FEED.get_or_init(CameraFeed::default)
}

impl CameraFeed {
    /// Frames of `choice` from now on, opening it with [`open_camera`] unless it is open.
    pub fn subscribe(&self, choice: &CameraChoice) -> Result<FeedSource, CameraError> {
        let c = choice.clone();
        self.subscribe_with(choice, move || open_camera(&c))
    }

    /// Frames of `choice` from now on; `open` opens it (on the feed's thread) unless it is open
    /// already. A different camera that is open is closed first, and its subscribers end.
    pub fn subscribe_with(
        &self,
        choice: &CameraChoice,
        open: impl FnOnce() -> Result<Box<dyn FrameSource>, CameraError> + Send + 'static,
    ) -> Result<FeedSource, CameraError> {
        let mut slot = self.open.lock().unwrap_or_else(|e| e.into_inner());
        // A feed whose thread has ended (the camera failed, or nobody was left) is gone.
        if slot.as_ref().is_some_and(|o| o.thread.is_finished()) {
            if let Some(o) = slot.take() {
                let _ = o.thread.join();
            }
        }
        if let Some(o) = slot.as_ref().filter(|o| o.choice == *choice) {
            let (tx, rx) = channel();
            let mut subs = o.subscribers.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(list) = subs.as_mut() {
                list.push(tx);
                return Ok(FeedSource::new(rx, o.info.clone()));
            }
            // Closing as nobody was left: wait for it below, then open the camera again.
        }
        if let Some(old) = slot.take() {
            // Another camera: let its thread close it before this one is opened.
            old.stop.store(true, Ordering::Relaxed);
            let _ = old.thread.join();
        }
        let (tx, rx) = channel();
        let subscribers: Subscribers = Arc::new(Mutex::new(Some(vec![tx])));
        let stop = Arc::new(AtomicBool::new(false));
        let (opened_tx, opened_rx) = sync_channel(1);
        let thread = {
            let (subscribers, stop) = (subscribers.clone(), stop.clone());
            std::thread::Builder::new()
                .name("camera feed".into())
                .spawn(move || run(open, opened_tx, subscribers, stop))
                .map_err(|e| CameraError::Backend {
                    device: "camera".into(),
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
                return Err(CameraError::Backend {
                    device: "camera".into(),
                    message: "the camera could not be opened".into(),
                });
            }
        };
        *slot = Some(Open {
            choice: choice.clone(),
            info: info.clone(),
            subscribers,
            stop,
            thread,
        });
        Ok(FeedSource::new(rx, info))
    }

    /// Closes the camera now (whoever subscribes), and returns once it is closed.
    pub fn release(&self) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(o) = open {
            o.stop.store(true, Ordering::Relaxed);
            let _ = o.thread.join();
        }
    }

    /// Whether the camera is open.
    pub fn is_open(&self) -> bool {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|o| !o.thread.is_finished())
    }
}

/// The feed's thread: opens the source, then reads frames and hands them out until nobody is
/// subscribed or it is told to stop.
fn run(
    open: impl FnOnce() -> Result<Box<dyn FrameSource>, CameraError>,
    opened: std::sync::mpsc::SyncSender<Result<SourceInfo, CameraError>>,
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
    let info = SourceInfo {
        name: source.name(),
        still: source.is_still(),
        requested: source.requested(),
    };
    tracing::info!(camera = %info.name, "camera open");
    let _ = opened.send(Ok(info.clone()));
    let started = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let delivery = source.next_frame();
        if let Ok(f) = &delivery {
            // A picture standing in for a camera delivers at once: hold it to real time.
            if let Some(ahead) = f.timestamp.checked_sub(started.elapsed()) {
                std::thread::sleep(ahead.min(Duration::from_millis(200)));
            }
        }
        let failed = delivery.is_err();
        let mut subs = subscribers.lock().unwrap_or_else(|e| e.into_inner());
        let list = subs.get_or_insert_with(Vec::new);
        list.retain(|s| s.send(delivery.clone()).is_ok());
        if list.is_empty() || failed {
            // Closed under the same lock that found nobody: no one can join a closing feed.
            *subs = None;
            break;
        }
    }
    // Nobody is looking (or the camera failed, or the feed was told to stop): end every
    // subscription, and close the camera.
    *subscribers.lock().unwrap_or_else(|e| e.into_inner()) = None;
    drop(source);
    tracing::info!(camera = %info.name, "camera closed");
}

/// A subscription to the feed, read as a camera: frames from the moment of subscribing, with
/// times counted from its own first frame. Dropping it lets go of the camera (it closes when
/// nobody else is looking).
pub struct FeedSource {
    rx: Receiver<Delivery>,
    info: SourceInfo,
    first: Option<Duration>,
}

impl FeedSource {
    fn new(rx: Receiver<Delivery>, info: SourceInfo) -> FeedSource {
        FeedSource {
            rx,
            info,
            first: None,
        }
    }
}

impl FrameSource for FeedSource {
    fn name(&self) -> String {
        self.info.name.clone()
    }

    fn is_still(&self) -> bool {
        self.info.still
    }

    fn requested(&self) -> Option<(u32, u32, u32)> {
        self.info.requested
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        match self.rx.recv() {
            Ok(Ok(mut f)) => {
                let first = *self.first.get_or_insert(f.timestamp);
                f.timestamp = f.timestamp.saturating_sub(first);
                Ok(f)
            }
            Ok(Err(e)) => Err(e),
            // The feed closed the camera (another camera was chosen, or it was released).
            Err(_) => Err(CameraError::Disconnected(self.info.name.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};
    use preflight_camera::SyntheticSource;
    use std::sync::atomic::AtomicUsize;

    /// A synthetic camera that counts how often it was opened and how many are open.
    fn counted(
        opened: &Arc<AtomicUsize>,
        open_now: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> Result<Box<dyn FrameSource>, CameraError> + Send + 'static {
        let (opened, open_now) = (opened.clone(), open_now.clone());
        move || {
            opened.fetch_add(1, Ordering::SeqCst);
            open_now.fetch_add(1, Ordering::SeqCst);
            struct Counted(Box<dyn FrameSource>, Arc<AtomicUsize>);
            impl FrameSource for Counted {
                fn name(&self) -> String {
                    self.0.name()
                }
                fn next_frame(&mut self) -> Result<Frame, CameraError> {
                    self.0.next_frame()
                }
            }
            impl Drop for Counted {
                fn drop(&mut self) {
                    self.1.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let src = SyntheticSource::new("cam", 100, |i| {
                RgbImage::from_pixel(32, 24, Rgb([(i % 250) as u8, 0, 0]))
            });
            Ok(Box::new(Counted(Box::new(src), open_now)) as Box<dyn FrameSource>)
        }
    }

    #[test]
    fn two_users_share_one_open_camera_and_it_closes_after_the_last() {
        let feed = CameraFeed::default();
        let (opened, open_now) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let choice = CameraChoice::Named("cam".into());
        let mut preview = feed
            .subscribe_with(&choice, counted(&opened, &open_now))
            .unwrap();
        let mut check = feed
            .subscribe_with(&choice, counted(&opened, &open_now))
            .unwrap();
        // Both see frames, from one opening of the device; each counts time from its own start.
        let a = preview.next_frame().unwrap();
        let b = check.next_frame().unwrap();
        assert_eq!(b.timestamp, Duration::ZERO);
        assert_eq!(a.timestamp, Duration::ZERO);
        assert!(check.next_frame().unwrap().timestamp > Duration::ZERO);
        assert_eq!(opened.load(Ordering::SeqCst), 1);
        assert_eq!(check.name(), "cam");
        drop(preview);
        assert!(
            check.next_frame().is_ok(),
            "the check goes on without the preview"
        );
        drop(check);
        // Nobody looks: the feed closes the camera on its next frame.
        let t0 = Instant::now();
        while open_now.load(Ordering::SeqCst) > 0 && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            open_now.load(Ordering::SeqCst),
            0,
            "the camera was left open"
        );
        assert!(!feed.is_open());
    }

    #[test]
    fn a_user_who_comes_while_the_camera_closes_gets_it_opened_again() {
        // A camera that takes 300 ms to close, saying when it starts to.
        struct SlowClose(Box<dyn FrameSource>, Arc<AtomicBool>);
        impl FrameSource for SlowClose {
            fn name(&self) -> String {
                self.0.name()
            }
            fn next_frame(&mut self) -> Result<Frame, CameraError> {
                self.0.next_frame()
            }
        }
        impl Drop for SlowClose {
            fn drop(&mut self) {
                self.1.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(300));
            }
        }
        let feed = Arc::new(CameraFeed::default());
        let (opened, open_now) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let closing = Arc::new(AtomicBool::new(false));
        let choice = CameraChoice::Named("cam".into());
        let open_slow = {
            let (inner, closing) = (counted(&opened, &open_now), closing.clone());
            move || inner().map(|c| Box::new(SlowClose(c, closing)) as Box<dyn FrameSource>)
        };
        let mut preview = feed.subscribe_with(&choice, open_slow).unwrap();
        assert!(preview.next_frame().is_ok());
        drop(preview);
        // The preview stopped: the feed's thread is closing the camera.
        let t0 = Instant::now();
        while !closing.load(Ordering::SeqCst) {
            assert!(t0.elapsed() < Duration::from_secs(5), "never closed");
            std::thread::sleep(Duration::from_millis(1));
        }
        // The check comes now: it gets a frame from the camera opened again, never waits for
        // ever on the closing feed.
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let (f, c, o, n) = (
            feed.clone(),
            choice.clone(),
            opened.clone(),
            open_now.clone(),
        );
        std::thread::spawn(move || {
            let got = f
                .subscribe_with(&c, counted(&o, &n))
                .and_then(|mut check| check.next_frame().map(|_| ()));
            let _ = done_tx.send(got);
        });
        let got = done_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the check waited for ever on a closing camera");
        assert!(got.is_ok(), "{got:?}");
        assert_eq!(opened.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn another_camera_is_opened_only_after_the_first_is_closed() {
        let feed = CameraFeed::default();
        let (opened, open_now) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut first = feed
            .subscribe_with(
                &CameraChoice::Named("a".into()),
                counted(&opened, &open_now),
            )
            .unwrap();
        assert!(first.next_frame().is_ok());
        let seen_open = Arc::new(AtomicUsize::new(usize::MAX));
        let (o2, seen) = (open_now.clone(), seen_open.clone());
        let open_b = move || {
            // Opened on the feed's thread: the first camera must be closed by now.
            seen.store(o2.load(Ordering::SeqCst), Ordering::SeqCst);
            counted(&Arc::new(AtomicUsize::new(0)), &o2)()
        };
        let mut second = feed
            .subscribe_with(&CameraChoice::Named("b".into()), open_b)
            .unwrap();
        assert_eq!(
            seen_open.load(Ordering::SeqCst),
            0,
            "two cameras were open at once"
        );
        assert!(second.next_frame().is_ok());
        // The first subscription ended with the camera it was on.
        let mut ended = false;
        for _ in 0..1000 {
            if first.next_frame().is_err() {
                ended = true;
                break;
            }
        }
        assert!(ended);
        feed.release();
        assert!(!feed.is_open());
        assert_eq!(open_now.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_camera_that_cannot_open_says_why_to_its_subscriber() {
        let feed = CameraFeed::default();
        let e = feed
            .subscribe_with(&CameraChoice::Default, || Err(CameraError::NoCamera))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e, CameraError::NoCamera);
        assert!(!feed.is_open());
    }
}
