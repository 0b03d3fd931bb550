//! UDP path probing with STUN binding requests (webrtc-rs `stun`), the way a call's media
//! would travel.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use stun::agent::TransactionId;
use stun::message::{Message, BINDING_REQUEST, BINDING_SUCCESS};
use thiserror::Error;
use tokio::net::UdpSocket;
use tokio::time::{timeout_at, Instant};

use crate::quality::Probe;

/// How to probe.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// Probes to send.
    pub count: u32,
    /// Time between probes.
    pub interval: Duration,
    /// How long to wait for the last answers after the last probe.
    pub linger: Duration,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        // 40 probes 30 ms apart: about 1.2 s. As many answers as before (enough for "high
        // confidence" and the same 2.5 % steps of loss), at a pace nearer a call's (an audio
        // packet every 20 ms) than one every 100 ms; the probing ends as soon as the last
        // answer is in, the linger only bounds a path that loses it.
        ProbeConfig {
            count: 40,
            interval: Duration::from_millis(30),
            linger: Duration::from_millis(700),
        }
    }
}

/// Public STUN servers used when none are configured.
pub const DEFAULT_STUN_SERVERS: &[&str] = &["stun.l.google.com:19302", "stun.cloudflare.com:3478"];

/// Why probing could not start.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ProbeError {
    /// The server name did not resolve (offline, or DNS broken).
    #[error("the name {0} could not be looked up (no internet, or DNS is not working)")]
    Dns(String),
    /// The address is not of the form host:port.
    #[error("{0} is not a host:port address")]
    BadAddress(String),
    /// The local socket could not be opened or used.
    #[error("the network could not be used: {0}")]
    Socket(String),
}

/// Resolves `server` (host:port) within `limit`.
pub async fn resolve(server: &str, limit: Duration) -> Result<SocketAddr, ProbeError> {
    if !server.contains(':') {
        return Err(ProbeError::BadAddress(server.to_string()));
    }
    match tokio::time::timeout(limit, tokio::net::lookup_host(server)).await {
        Ok(Ok(mut addrs)) => addrs
            .next()
            .ok_or_else(|| ProbeError::Dns(server.to_string())),
        Ok(Err(_)) | Err(_) => Err(ProbeError::Dns(server.to_string())),
    }
}

/// Sends `cfg.count` STUN binding requests to `server`, `cfg.interval` apart, and records each
/// answer's round-trip time. `on_probe` is called for every probe as soon as it is settled
/// (answered, or given up at the end). Probes never outlive `cfg.linger` after the last send.
pub async fn probe(
    server: SocketAddr,
    cfg: &ProbeConfig,
    mut on_probe: impl FnMut(&Probe),
) -> Result<Vec<Probe>, ProbeError> {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    }
    .parse()
    .expect("literal");
    let socket = UdpSocket::bind(bind)
        .await
        .map_err(|e| ProbeError::Socket(e.to_string()))?;
    // Not connected, and told to ignore "port unreachable" where the system would report it
    // (Windows): a server that is not there is lost probes, as a call would see it. (Under
    // Wine, a connected socket that got such an error was reported readable for ever while
    // giving nothing, and the check never ended.)
    preflight_host::this_system()
        .ignore_udp_unreachable(preflight_host::OsSocket::raw_socket(&socket));

    let start = Instant::now();
    let mut pending: HashMap<[u8; 12], (u32, Instant)> = HashMap::new();
    let mut probes: Vec<Probe> = Vec::with_capacity(cfg.count as usize);
    let mut next_send = start;
    let mut sent = 0u32;
    let mut buf = [0u8; 1500];
    let end_of_sending = start + cfg.interval * cfg.count.saturating_sub(1);
    let deadline = end_of_sending + cfg.linger;

    loop {
        if sent < cfg.count && Instant::now() >= next_send {
            let mut msg = Message::new();
            let tid = TransactionId::new();
            msg.build(&[Box::new(tid), Box::new(BINDING_REQUEST)])
                .map_err(|e| ProbeError::Socket(e.to_string()))?;
            let now = Instant::now();
            // A send error (no route, network down) counts as a lost probe, as a call would see it.
            let _ = socket.send_to(&msg.raw, server).await;
            pending.insert(tid.0, (sent, now));
            probes.push(Probe {
                seq: sent,
                sent_ms: (now - start).as_secs_f64() * 1000.0,
                rtt_ms: None,
            });
            sent += 1;
            next_send = start + cfg.interval * sent;
        }
        if sent == cfg.count && pending.is_empty() {
            break;
        }
        let wake = if sent < cfg.count {
            next_send
        } else {
            deadline
        };
        if Instant::now() >= deadline && sent == cfg.count {
            break;
        }
        match timeout_at(wake, socket.recv_from(&mut buf)).await {
            // Only the server's answers count.
            Ok(Ok((_, from))) if from != server => {}
            Ok(Ok((n, _))) => {
                let arrived = Instant::now();
                let mut msg = Message::new();
                if msg.unmarshal_binary(&buf[..n]).is_err() || msg.typ != BINDING_SUCCESS {
                    continue;
                }
                if let Some((seq, sent_at)) = pending.remove(&msg.transaction_id.0) {
                    let p = &mut probes[seq as usize];
                    p.rtt_ms = Some((arrived - sent_at).as_secs_f64() * 1000.0);
                    on_probe(p);
                }
            }
            // A receive error (a system that reports "port unreachable" anyway): the probe is
            // lost, keep going.
            Ok(Err(_)) => {}
            Err(_) => {} // woke up to send, or the deadline came
        }
    }
    let mut lost: Vec<u32> = pending.into_values().map(|(seq, _)| seq).collect();
    lost.sort_unstable();
    for seq in lost {
        on_probe(&probes[seq as usize]);
    }
    Ok(probes)
}
