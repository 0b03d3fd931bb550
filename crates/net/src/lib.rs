//! Network checks for Mentor Preflight.
//!
//! - [`capacity`]: upload and download throughput over HTTPS and the round trip under load
//!   (pure statistics, a small bounded HTTP/1.1 client).
//! - [`link`]: which kind of link carries the default route (wired, Wi‑Fi, hotspot, cellular,
//!   VPN): a pure function of [`link::LinkFacts`].
//! - [`detect`](mod@detect): gathers those facts from the OS with `netdev`, and what the system
//!   tells beyond it through the platform seam (`preflight_host::Platform::link_details`).
//! - [`mos`]: the simplified E-model estimate of call quality from RTT, jitter and loss.
//! - [`quality`]: RTT, jitter, loss and MOS from probe timings (pure).
//! - [`reach`]: DNS, TCP and TLS handshake times to the meeting platforms (I/O).
//! - [`stun_probe`]: STUN binding requests over UDP to measure the path (I/O).
//!
//! The I/O (detect, stun_probe, and the probes of capacity and reach) is the `probe` feature, on
//! by default; without it the crate is the pure measures and result types and links no socket,
//! TLS or async library.

pub mod capacity;
#[cfg(feature = "probe")]
pub mod detect;
pub mod link;
pub mod mos;
pub mod quality;
pub mod reach;
#[cfg(feature = "probe")]
pub mod stun_probe;

#[cfg(feature = "probe")]
pub use detect::detect;
pub use link::{classify, IfType, LinkFacts, LinkInfo, LinkKind};
pub use mos::mos;
pub use quality::{path_stats, Confidence, PathStats, Probe};
#[cfg(feature = "probe")]
pub use reach::{check_platforms, default_tls_config};
pub use reach::{default_platforms, MediaRoute, PlatformTarget, ReachProblem, Reachability};
#[cfg(feature = "probe")]
pub use stun_probe::{probe, resolve, ProbeConfig, ProbeError, DEFAULT_STUN_SERVERS};
