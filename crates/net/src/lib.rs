//! Network checks for Mentor Preflight.
//!
//! - [`link`]: which kind of link carries the default route (wired, Wi‑Fi, hotspot, cellular,
//!   VPN). Classification is a pure function of [`link::LinkFacts`]; [`link::detect`] gathers
//!   those facts from the OS with `netdev`.
//! - [`mos`]: the simplified E-model estimate of call quality from RTT, jitter and loss.

pub mod link;
pub mod mos;

pub use link::{classify, detect, LinkFacts, LinkInfo, LinkKind};
pub use mos::mos;
