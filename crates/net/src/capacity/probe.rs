//! The probe itself: a small bounded HTTP/1.1 client over tokio and rustls (the `probe` feature).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::TlsConnector;
use url::Url;

use super::*;

/// Where and how long to measure.
#[derive(Debug, Clone)]
pub struct CapacityConfig {
    /// GET address serving N bytes; `{bytes}` is replaced by the number wanted.
    pub download_url: String,
    /// POST address that accepts a body.
    pub upload_url: String,
    /// The TLS configuration (the Mozilla roots; tests add their own).
    pub tls: Arc<ClientConfig>,
    /// Whole probe, connects included.
    pub total: Duration,
    /// Time given to the download.
    pub down_time: Duration,
    /// Time given to the upload.
    pub up_time: Duration,
    /// Most bytes fetched.
    pub max_down_bytes: u64,
    /// Most bytes sent.
    pub max_up_bytes: u64,
    /// Each connect / TLS handshake / first answer.
    pub step_limit: Duration,
}

impl CapacityConfig {
    /// The defaults against the given endpoints: 6 s and 20 MB at most.
    pub fn new(download_url: &str, upload_url: &str, tls: Arc<ClientConfig>) -> Self {
        CapacityConfig {
            download_url: download_url.into(),
            upload_url: upload_url.into(),
            tls,
            total: Duration::from_secs(6),
            down_time: Duration::from_millis(2000),
            up_time: Duration::from_millis(2500),
            max_down_bytes: 12 * 1024 * 1024,
            max_up_bytes: 8 * 1024 * 1024,
            step_limit: Duration::from_millis(1500),
        }
    }
}

/// A parsed endpoint: https anywhere, plain http only on this computer (tests, a local
/// server).
#[derive(Debug, Clone)]
struct Endpoint {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

fn endpoint(address: &str) -> Result<Endpoint, CapacityProblem> {
    let bad = || CapacityProblem::BadUrl(address.chars().take(120).collect());
    let url = Url::parse(address.trim()).map_err(|_| bad())?;
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(bad)?;
    let tls = match url.scheme() {
        "https" => true,
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(a)) => a.is_loopback(),
                Some(url::Host::Ipv6(a)) => a.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            };
            if !loopback {
                return Err(bad());
            }
            false
        }
        _ => return Err(bad()),
    };
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    Ok(Endpoint {
        tls,
        host: host.trim_matches(['[', ']']).to_string(),
        port: url.port_or_known_default().ok_or_else(bad)?,
        path,
    })
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A connection, and the raw socket for reading its TCP counters.
struct Conn {
    stream: Box<dyn Stream>,
    socket: preflight_host::RawSocket,
}

/// The send buffer of a connection whose acknowledged bytes the system does not tell.
const UNTOLD_SEND_BUFFER: usize = 64 * 1024;

/// Connects (TCP, then TLS for https) within `limit` per step.
async fn connect(
    ep: &Endpoint,
    tls: &Arc<ClientConfig>,
    limit: Duration,
) -> Result<Conn, CapacityProblem> {
    let addrs: Vec<std::net::SocketAddr> =
        match timeout(limit, tokio::net::lookup_host((ep.host.as_str(), ep.port))).await {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(_)) => return Err(CapacityProblem::Dns),
            Err(_) => return Err(CapacityProblem::Dns),
        };
    if addrs.is_empty() {
        return Err(CapacityProblem::Dns);
    }
    // Each address in turn (a name such as localhost may give IPv6 first), within one limit.
    let connect_by = Instant::now() + limit;
    let mut last = CapacityProblem::Stalled;
    let mut found = None;
    for addr in addrs.iter().take(4) {
        let left = connect_by.saturating_duration_since(Instant::now());
        match timeout(left, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                found = Some(s);
                break;
            }
            Ok(Err(e)) => last = e.into(),
            Err(_) => {
                last = CapacityProblem::Stalled;
                break;
            }
        }
    }
    let tcp = found.ok_or(last)?;
    let _ = tcp.set_nodelay(true);
    // Closing resets the connection: whatever is still queued is dropped, not sent on after
    // the probe has ended. (Deprecated because a non-zero linger blocks the thread on drop;
    // a zero linger never waits.)
    #[allow(deprecated)]
    let _ = tcp.set_linger(Some(Duration::ZERO));
    let socket = preflight_host::OsSocket::raw_socket(&tcp);
    if preflight_host::this_system()
        .tcp_bytes_acked(socket)
        .is_none()
    {
        // The system will not say what the other end acknowledged, so the upload counts what
        // it handed over, which runs ahead by the send buffer. A fixed, small buffer keeps that
        // lead small and constant (the system would otherwise grow it as the upload goes on,
        // and the rate would be flattered by as much).
        let _ = socket2::SockRef::from(&tcp).set_send_buffer_size(UNTOLD_SEND_BUFFER);
    }
    let stream: Box<dyn Stream> = if ep.tls {
        let name = ServerName::try_from(ep.host.clone())
            .map_err(|_| CapacityProblem::BadUrl(ep.host.clone()))?;
        match timeout(limit, TlsConnector::from(tls.clone()).connect(name, tcp)).await {
            Ok(Ok(s)) => Box::new(s),
            Ok(Err(e)) => return Err(CapacityProblem::Tls(e.to_string())),
            Err(_) => return Err(CapacityProblem::Stalled),
        }
    } else {
        Box::new(tcp)
    };
    Ok(Conn { stream, socket })
}

impl Conn {
    /// Bytes the other end has acknowledged (Linux `TCP_INFO`, Windows `SIO_TCP_INFO`), which
    /// is what crossed the line: what still waits in our send buffer is not counted. `None`
    /// where the system does not tell (then what was written is counted).
    fn bytes_acked(&self) -> Option<u64> {
        // The socket is alive as long as `self.stream` is.
        preflight_host::this_system().tcp_bytes_acked(self.socket)
    }
}

fn request(
    ep: &Endpoint,
    method: &str,
    path: &str,
    body_len: Option<u64>,
    keep_alive: bool,
) -> Vec<u8> {
    let host = if ep.host.contains(':') {
        format!("[{}]", ep.host)
    } else {
        ep.host.clone()
    };
    let mut r = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: MentorPreflight/{}\r\nAccept: */*\r\nConnection: {}\r\n",
        env!("CARGO_PKG_VERSION"),
        if keep_alive { "keep-alive" } else { "close" }
    );
    if let Some(n) = body_len {
        r.push_str(&format!(
            "Content-Type: application/octet-stream\r\nContent-Length: {n}\r\n"
        ));
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Sends a request head within `limit`.
async fn send_head(
    s: &mut Box<dyn Stream>,
    head: &[u8],
    limit: Duration,
) -> Result<(), CapacityProblem> {
    match timeout(limit, s.write_all(head)).await {
        Ok(r) => Ok(r?),
        Err(_) => Err(CapacityProblem::Stalled),
    }
}

/// Reads a response head (bounded to 16 KB) and returns the status, the Content-Length if
/// given, and whatever body bytes came with the head.
async fn read_head(
    s: &mut Box<dyn Stream>,
    deadline: Instant,
) -> Result<(u16, Option<u64>, Vec<u8>), CapacityProblem> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = match timeout(left, s.read(&mut chunk)).await {
            Ok(Ok(0)) => return Err(CapacityProblem::Unreachable("connection closed".into())),
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => return Err(CapacityProblem::Stalled),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut resp = httparse::Response::new(&mut headers);
        match resp.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = resp.code.unwrap_or(0);
                let length = resp
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok());
                return Ok((status, length, buf[len..].to_vec()));
            }
            Ok(httparse::Status::Partial) if buf.len() < 16 * 1024 => continue,
            _ => return Err(CapacityProblem::BadAnswer),
        }
    }
}

/// Elapsed milliseconds since `t0`.
fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

/// A kept-alive connection for the latency pings: a `GET` of 0 bytes, timed from request to
/// the end of the answer.
struct Pinger {
    stream: Box<dyn Stream>,
    ep: Endpoint,
    path: String,
}

impl Pinger {
    async fn open(cfg: &CapacityConfig) -> Result<Pinger, CapacityProblem> {
        let ep = endpoint(&cfg.download_url.replace("{bytes}", "0"))?;
        let stream = connect(&ep, &cfg.tls, cfg.step_limit).await?.stream;
        let path = ep.path.clone();
        Ok(Pinger { stream, ep, path })
    }

    async fn ping(&mut self, limit: Duration) -> Result<f64, CapacityProblem> {
        let t = Instant::now();
        let deadline = t + limit;
        let req = request(&self.ep, "GET", &self.path, None, true);
        send_head(&mut self.stream, &req, limit).await?;
        let (status, length, mut body) = read_head(&mut self.stream, deadline).await?;
        if !(200..300).contains(&status) {
            return Err(CapacityProblem::Http(status));
        }
        // Drain the (tiny) body so the next answer starts clean.
        let want = length.ok_or(CapacityProblem::BadAnswer)?.min(64 * 1024) as usize;
        let mut chunk = [0u8; 4096];
        while body.len() < want {
            let left = deadline.saturating_duration_since(Instant::now());
            match timeout(left, self.stream.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => body.extend_from_slice(&chunk[..n]),
                Err(_) => return Err(CapacityProblem::Stalled),
            }
        }
        Ok(ms(t))
    }
}

/// Runs the probe: idle latency, download, then upload with latency pings alongside. Each
/// transfer stops as soon as its rate has settled ([`is_steady`]: about a second on a steady
/// line), else at its time limit. Each reading goes to `on_event` as it comes. Never takes longer than `cfg.total` (plus a moment
/// to close), never moves more than the byte budgets.
pub async fn measure(cfg: &CapacityConfig, mut on_event: impl FnMut(CapacityEvent)) -> Capacity {
    let t0 = Instant::now();
    let deadline = t0 + cfg.total;
    let server = endpoint(&cfg.upload_url)
        .map(|e| e.host)
        .unwrap_or_default();
    let mut out = Capacity {
        up_mbps: None,
        down_mbps: None,
        idle_rtt_ms: None,
        loaded_rtt_ms: None,
        up_bytes: 0,
        down_bytes: 0,
        server,
        problem: None,
    };
    let at = |t: Instant| t.duration_since(t0).as_millis() as u32;

    // Idle round trips on a kept-alive connection.
    let mut pinger = match Pinger::open(cfg).await {
        Ok(p) => Some(p),
        Err(e) => {
            out.problem = Some(e);
            return out;
        }
    };
    let mut idle = Vec::new();
    for _ in 0..3 {
        let Some(p) = pinger.as_mut() else { break };
        match p.ping(cfg.step_limit).await {
            Ok(rtt) => {
                idle.push(rtt);
                on_event(CapacityEvent::Latency {
                    loaded: false,
                    at_ms: at(Instant::now()),
                    rtt_ms: rtt,
                });
            }
            Err(e) => {
                out.problem = Some(e);
                return out;
            }
        }
    }
    out.idle_rtt_ms = median(&idle);

    // Download.
    let down_end = (Instant::now() + cfg.down_time).min(deadline);
    match download(cfg, down_end, t0, &mut on_event).await {
        Ok((samples, bytes)) => {
            out.down_bytes = bytes;
            out.down_mbps = steady_mbps(&samples);
        }
        Err(e) => out.problem = Some(e),
    }

    // Upload, with pings alongside on the kept-alive connection; both report on one channel,
    // which closes when both are done.
    let up_end = (Instant::now() + cfg.up_time).min(deadline);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ping_tx = tx.clone();
    // Round trips while the upload runs, every 200 ms from 300 ms in, until the upload ends
    // (reported on the channel, where they are gathered).
    let pings = Box::pin(async move {
        if let Some(mut p) = pinger.take() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            while Instant::now() + Duration::from_millis(100) < up_end {
                let left = up_end.saturating_duration_since(Instant::now());
                match p.ping(left).await {
                    Ok(rtt) => {
                        let _ = ping_tx.send(CapacityEvent::Latency {
                            loaded: true,
                            at_ms: at(Instant::now()),
                            rtt_ms: rtt,
                        });
                    }
                    Err(_) => break,
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        // Holding on until dropped: the pinging ends with the upload, not before.
        std::future::pending::<()>().await;
    });
    let upload = upload(cfg, up_end, t0, tx);
    tokio::pin!(upload);
    let mut pings = Some(pings);
    let mut loaded = Vec::new();
    let mut pass_on = |ev: CapacityEvent, loaded: &mut Vec<f64>| {
        if let CapacityEvent::Latency {
            loaded: true,
            rtt_ms,
            ..
        } = ev
        {
            loaded.push(rtt_ms);
        }
        on_event(ev);
    };
    let up_result = loop {
        tokio::select! {
            r = &mut upload => break r,
            _ = async { pings.as_mut().expect("pinging").await }, if pings.is_some() => {}
            Some(ev) = rx.recv() => pass_on(ev, &mut loaded),
        }
    };
    // The upload ended (settled, out of time, or failed): the pinging stops with it, and what
    // was already measured is passed on.
    drop(pings.take());
    while let Ok(ev) = rx.try_recv() {
        pass_on(ev, &mut loaded);
    }
    match up_result {
        Ok((samples, bytes)) => {
            out.up_bytes = bytes;
            out.up_mbps = steady_mbps(&samples);
        }
        Err(e) => {
            if out.problem.is_none() {
                out.problem = Some(e);
            }
        }
    }
    out.loaded_rtt_ms = median(&loaded);
    out
}

/// Emits a rate reading every quarter second from the cumulative samples.
struct RateMeter {
    direction: Direction,
    last: (f64, u64),
    since_start: f64,
}

impl RateMeter {
    fn new(direction: Direction, since_start: f64) -> Self {
        RateMeter {
            direction,
            last: (0.0, 0),
            since_start,
        }
    }

    fn feed(&mut self, t: f64, bytes: u64) -> Option<CapacityEvent> {
        let (lt, lb) = self.last;
        if t - lt < 250.0 {
            return None;
        }
        self.last = (t, bytes);
        Some(CapacityEvent::Rate {
            direction: self.direction,
            at_ms: (self.since_start + t) as u32,
            mbps: (bytes - lb) as f64 * 8.0 / (t - lt) / 1000.0,
        })
    }
}

async fn download(
    cfg: &CapacityConfig,
    end: Instant,
    t0: Instant,
    on_event: &mut impl FnMut(CapacityEvent),
) -> Result<(Vec<(f64, u64)>, u64), CapacityProblem> {
    let url = cfg
        .download_url
        .replace("{bytes}", &cfg.max_down_bytes.to_string());
    let ep = endpoint(&url)?;
    let mut s = connect(&ep, &cfg.tls, cfg.step_limit).await?.stream;
    let req = request(&ep, "GET", &ep.path, None, false);
    send_head(&mut s, &req, cfg.step_limit).await?;
    let (status, length, first) = read_head(&mut s, Instant::now() + cfg.step_limit).await?;
    if !(200..300).contains(&status) {
        return Err(CapacityProblem::Http(status));
    }
    let want = length.unwrap_or(cfg.max_down_bytes).min(cfg.max_down_bytes);
    let start = Instant::now();
    let mut meter = RateMeter::new(
        Direction::Down,
        start.duration_since(t0).as_secs_f64() * 1000.0,
    );
    let mut bytes = first.len() as u64;
    let mut samples = vec![(0.0, 0u64), (ms(start), bytes)];
    let mut chunk = vec![0u8; 64 * 1024];
    while bytes < want && Instant::now() < end {
        let left = end.saturating_duration_since(Instant::now());
        match timeout(left.min(cfg.step_limit), s.read(&mut chunk)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => {
                bytes += n as u64;
                let t = ms(start);
                samples.push((t, bytes));
                if let Some(ev) = meter.feed(t, bytes) {
                    on_event(ev);
                    // Settled: longer would not change the figure, only the mentor's wait.
                    if is_steady(&samples) {
                        break;
                    }
                }
            }
            Ok(Err(e)) => return Err(e.into()),
            // Out of time: what arrived counts. A read that waited the whole step is a stall.
            Err(_) if Instant::now() >= end => break,
            Err(_) => return Err(CapacityProblem::Stalled),
        }
    }
    Ok((samples, bytes))
}

/// Most bytes handed to the system but not yet acknowledged during the upload.
const MAX_BACKLOG: u64 = 256 * 1024;

/// Sends up to `cfg.max_up_bytes` of zeros until `end`, timing each write; live rates go to
/// `rates`.
async fn upload(
    cfg: &CapacityConfig,
    end: Instant,
    t0: Instant,
    rates: tokio::sync::mpsc::UnboundedSender<CapacityEvent>,
) -> Result<(Vec<(f64, u64)>, u64), CapacityProblem> {
    let ep = endpoint(&cfg.upload_url)?;
    let mut conn = connect(&ep, &cfg.tls, cfg.step_limit).await?;
    let total = cfg.max_up_bytes;
    let req = request(&ep, "POST", &ep.path, Some(total), false);
    send_head(&mut conn.stream, &req, cfg.step_limit).await?;
    let start = Instant::now();
    let mut meter = RateMeter::new(
        Direction::Up,
        start.duration_since(t0).as_secs_f64() * 1000.0,
    );
    // What crossed the line is what the server acknowledged; where the system cannot say,
    // what we handed to it (which runs ahead by the send buffer).
    let acked_at_start = conn.bytes_acked();
    let crossed = |conn: &Conn, sent: u64| match (conn.bytes_acked(), acked_at_start) {
        (Some(now), Some(first)) => now.saturating_sub(first).min(sent),
        _ => sent,
    };
    let zeros = vec![0u8; 16 * 1024];
    let mut sent = 0u64;
    let mut samples = vec![(0.0, 0u64)];
    let mut last_progress = (Instant::now(), 0u64);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    while Instant::now() < end {
        // Never more than a quarter megabyte waiting unacknowledged: the figure stays honest,
        // and nothing is left queued to go on uploading after the probe.
        let backlog = sent - crossed(&conn, sent);
        let n = if backlog < MAX_BACKLOG {
            (total - sent).min(zeros.len() as u64) as usize
        } else {
            0
        };
        tokio::select! {
            w = conn.stream.write(&zeros[..n]), if n > 0 => match w {
                Ok(0) => return Err(CapacityProblem::Unreachable("connection closed".into())),
                Ok(k) => sent += k as u64,
                Err(e) => return Err(e.into()),
            },
            _ = tick.tick() => {
                let t = ms(start);
                let c = crossed(&conn, sent);
                samples.push((t, c));
                if let Some(ev) = meter.feed(t, c) {
                    let _ = rates.send(ev);
                    // Settled: longer would not change the figure, only the mentor's wait.
                    if is_steady(&samples) {
                        break;
                    }
                }
                if c > last_progress.1 {
                    last_progress = (Instant::now(), c);
                } else if last_progress.0.elapsed() > cfg.step_limit {
                    return Err(CapacityProblem::Stalled);
                }
                if c >= total {
                    break;
                }
            }
        }
    }
    let _ = conn.stream.flush().await;
    // Out of time or done: the connection is dropped (an unfinished body is normal for a
    // speed test); a finished one gets its answer read briefly for an HTTP error.
    if sent >= total {
        let limit = Instant::now() + Duration::from_millis(500);
        if let Ok((status, _, _)) = read_head(&mut conn.stream, limit).await {
            if !(200..300).contains(&status) {
                return Err(CapacityProblem::Http(status));
            }
        }
    }
    let delivered = samples.last().map(|s| s.1).unwrap_or(0);
    Ok((samples, delivered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_https_or_loopback_http_only() {
        let e = endpoint("https://speed.cloudflare.com/__down?bytes=5").unwrap();
        assert!(e.tls);
        assert_eq!(
            (e.host.as_str(), e.port, e.path.as_str()),
            ("speed.cloudflare.com", 443, "/__down?bytes=5")
        );
        assert!(!endpoint("http://127.0.0.1:8080/up").unwrap().tls);
        assert!(endpoint("http://speed.example.org/up").is_err());
        assert!(endpoint("ftp://x/").is_err());
        assert!(endpoint("not a url").is_err());
    }
}
