//! Handing a device over from one user to the next (the live preview, the microphone meter,
//! the check): the next user starts only once the previous one has *said* it let the device
//! go, never after a guessed pause.
//!
//! A [`Holder`] keeps the current use of one device. [`Holder::begin`] stops the current use,
//! waits for its [`Release`] to be dropped (the worker drops it after closing its stream), and
//! gives the new worker a stop flag and its own [`Release`]. [`Holder::stop`] does the first
//! half only. The wait is bounded ([`Holder::LIMIT`]): a worker stuck inside a driver call
//! costs a slower start (and a log line), never a hung window.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Held by a worker while it has the device open; dropping it tells the [`Holder`] the device
/// is free.
#[derive(Debug)]
pub struct Release(#[allow(dead_code)] Sender<()>);

struct Current {
    stop: Arc<AtomicBool>,
    released: Receiver<()>,
}

/// The current use of one device, if any.
#[derive(Default)]
pub struct Holder(Mutex<Option<Current>>);

impl Holder {
    /// The longest a hand-over waits for the previous user to let go.
    pub const LIMIT: Duration = Duration::from_secs(3);

    /// Stops the current use (if any) and waits until it has released the device.
    pub fn stop(&self) {
        let current = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(c) = current {
            Self::end(c);
        }
    }

    /// Ends the current use (waiting for its release) and starts a new one: the new worker
    /// watches the flag and keeps the [`Release`] until it has closed the device.
    pub fn begin(&self) -> (Arc<AtomicBool>, Release) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.take() {
            Self::end(c);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        *slot = Some(Current {
            stop: stop.clone(),
            released: rx,
        });
        (stop, Release(tx))
    }

    fn end(c: Current) {
        c.stop.store(true, Ordering::Relaxed);
        // Nothing is ever sent: the channel closes when the worker drops its Release.
        match c.released.recv_timeout(Self::LIMIT) {
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!("a device was not released in time; going on without it")
            }
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A worker that, once told to stop, takes `closing` to close its device, and counts how
    /// many workers have the device open at once.
    fn worker(h: &Holder, open: &Arc<AtomicUsize>, most: &Arc<AtomicUsize>, closing: Duration) {
        let (stop, release) = h.begin();
        let (open, most) = (open.clone(), most.clone());
        let n = open.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(n, Ordering::SeqCst);
        std::thread::spawn(move || {
            let _release = release;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(closing); // a slow driver closing its stream
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }

    #[test]
    fn the_next_user_starts_only_after_the_previous_one_let_go() {
        let h = Holder::default();
        let (open, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        for closing in [0, 200, 20, 400] {
            worker(&h, &open, &most, Duration::from_millis(closing));
        }
        h.stop();
        assert_eq!(
            open.load(Ordering::SeqCst),
            0,
            "stop returned before the release"
        );
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "two users had the device at once"
        );
    }

    #[test]
    fn a_worker_that_ended_on_its_own_hands_over_at_once() {
        let h = Holder::default();
        let (stop, release) = h.begin();
        drop(release); // the device failed and the worker is gone
        let (_, next) = h.begin();
        assert!(
            stop.load(Ordering::Relaxed),
            "the old use was not told to stop"
        );
        drop(next);
        h.stop();
        h.stop(); // nothing running: nothing to wait for
    }
}
