//! Network stand-ins for tests: a STUN server on loopback and a seeded impairment relay that
//! adds delay, jitter and loss. Traffic stays on 127.0.0.1.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use stun::message::{Message, BINDING_REQUEST, BINDING_SUCCESS};
use stun::xoraddr::XorMappedAddress;

/// A minimal STUN server (binding requests only) on 127.0.0.1, stopped when dropped.
pub struct StunServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StunServer {
    /// Starts the server on a free loopback port.
    pub fn start() -> StunServer {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind STUN server");
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !flag.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let mut req = Message::new();
                if req.unmarshal_binary(&buf[..n]).is_err() || req.typ != BINDING_REQUEST {
                    continue;
                }
                let mut resp = Message::new();
                let built = resp.build(&[
                    Box::new(req.clone()),
                    Box::new(BINDING_SUCCESS),
                    Box::new(XorMappedAddress {
                        ip: from.ip(),
                        port: from.port(),
                    }),
                ]);
                if built.is_ok() {
                    let _ = socket.send_to(&resp.raw, from);
                }
            }
        });
        StunServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for StunServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What the relay does to each packet on the way to the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impairment {
    /// Fixed extra delay, ms.
    pub delay_ms: f64,
    /// Uniform random extra delay in 0..jitter_ms, ms.
    pub jitter_ms: f64,
    /// Chance of dropping a packet, 0–1.
    pub loss: f64,
    /// Random seed: the same seed gives the same delays and drops.
    pub seed: u64,
}

/// What the relay did to one client→server packet, in the order packets arrived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Treatment {
    /// Extra delay added, ms (fixed plus random part).
    pub extra_ms: f64,
    /// Whether the packet was dropped.
    pub dropped: bool,
}

/// A UDP relay on 127.0.0.1 between one client and `server`, impairing client→server packets.
pub struct Relay {
    /// Where clients send.
    pub addr: SocketAddr,
    /// What happened to each client packet.
    pub log: Arc<Mutex<Vec<Treatment>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

struct Due(Instant, Vec<u8>);
impl PartialEq for Due {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Due {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

impl Relay {
    /// Starts a relay to `server` with `imp`.
    pub fn start(server: SocketAddr, imp: Impairment) -> Relay {
        let front = UdpSocket::bind("127.0.0.1:0").expect("bind relay");
        front
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let back = UdpSocket::bind("127.0.0.1:0").expect("bind relay upstream");
        back.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        back.connect(server).unwrap();
        let addr = front.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let client: Arc<Mutex<Option<SocketAddr>>> = Arc::new(Mutex::new(None));
        let queue: Arc<Mutex<BinaryHeap<Reverse<Due>>>> = Arc::new(Mutex::new(BinaryHeap::new()));
        let mut threads = Vec::new();

        // Client → queue, with the impairment decided by a seeded xorshift generator.
        {
            let (front, stop, log, client, queue) = (
                front.try_clone().unwrap(),
                stop.clone(),
                log.clone(),
                client.clone(),
                queue.clone(),
            );
            threads.push(std::thread::spawn(move || {
                let mut seed = imp.seed.max(1);
                let mut rand = move || {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 11) as f64 / (1u64 << 53) as f64
                };
                let mut buf = [0u8; 1500];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((n, from)) = front.recv_from(&mut buf) else {
                        continue;
                    };
                    *client.lock().unwrap() = Some(from);
                    let dropped = rand() < imp.loss;
                    let extra_ms = imp.delay_ms + rand() * imp.jitter_ms;
                    log.lock().unwrap().push(Treatment { extra_ms, dropped });
                    if !dropped {
                        let due = Instant::now() + Duration::from_secs_f64(extra_ms / 1000.0);
                        queue
                            .lock()
                            .unwrap()
                            .push(Reverse(Due(due, buf[..n].to_vec())));
                    }
                }
            }));
        }
        // Queue → server, each packet at its due time.
        {
            let (back, stop, queue) = (back.try_clone().unwrap(), stop.clone(), queue.clone());
            threads.push(std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let next = queue.lock().unwrap().peek().map(|Reverse(d)| d.0);
                    match next {
                        Some(due) if due <= Instant::now() => {
                            if let Some(Reverse(Due(_, pkt))) = queue.lock().unwrap().pop() {
                                let _ = back.send(&pkt);
                            }
                        }
                        Some(due) => {
                            std::thread::sleep((due - Instant::now()).min(Duration::from_millis(1)))
                        }
                        None => std::thread::sleep(Duration::from_micros(200)),
                    }
                }
            }));
        }
        // Server → client, untouched.
        {
            let (stop, client) = (stop.clone(), client.clone());
            threads.push(std::thread::spawn(move || {
                let mut buf = [0u8; 1500];
                while !stop.load(Ordering::Relaxed) {
                    let Ok(n) = back.recv(&mut buf) else { continue };
                    if let Some(c) = *client.lock().unwrap() {
                        let _ = front.send_to(&buf[..n], c);
                    }
                }
            }));
        }
        Relay {
            addr,
            log,
            stop,
            threads,
        }
    }

    /// What the relay did so far.
    pub fn treatments(&self) -> Vec<Treatment> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate for "localhost": completes
/// handshakes and closes. Clients trust it only if they add [`TlsServer::root`].
pub struct TlsServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The certificate (DER), to add as a trusted root.
    pub cert_der: Vec<u8>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// Starts the server on a free loopback port.
    pub fn start() -> TlsServer {
        let (acceptor, cert_der) = self_signed_acceptor();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                while !flag.load(Ordering::Relaxed) {
                    let accepted =
                        tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
                    if let Ok(Ok((tcp, _))) = accepted {
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            let _ = acceptor.accept(tcp).await;
                        });
                    }
                }
            });
        });
        TlsServer {
            addr,
            cert_der,
            stop,
            thread: Some(thread),
        }
    }

    /// A root store trusting this server.
    pub fn root(&self) -> tokio_rustls::rustls::RootCertStore {
        root_trusting(&self.cert_der)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A TLS acceptor with a fresh self-signed certificate for `localhost`, and that certificate.
fn self_signed_acceptor() -> (tokio_rustls::TlsAcceptor, Vec<u8>) {
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let key =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let cert_der = key.cert.der().to_vec();
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(cert_der.clone())], private)
        .expect("server config");
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), cert_der)
}

/// A root store trusting only `cert_der`.
fn root_trusting(cert_der: &[u8]) -> tokio_rustls::rustls::RootCertStore {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots
        .add(tokio_rustls::rustls::pki_types::CertificateDer::from(
            cert_der.to_vec(),
        ))
        .unwrap();
    roots
}

/// A TCP server on 127.0.0.1 that accepts connections and never says anything (a middlebox
/// that swallows the TLS handshake).
pub struct SilentServer {
    /// Where it listens.
    pub addr: SocketAddr,
    _listener: std::net::TcpListener,
}

impl SilentServer {
    /// Starts it. The kernel completes the TCP handshakes from its backlog; nobody reads.
    pub fn start() -> SilentServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        SilentServer {
            addr: listener.local_addr().unwrap(),
            _listener: listener,
        }
    }
}

/// How a [`SpeedServer`] behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedProfile {
    /// Upload (to the server) rate, bits per second (token bucket on what it reads).
    pub up_bps: f64,
    /// Download (from the server) rate, bits per second.
    pub down_bps: f64,
    /// Extra delay added to latency pings while an upload is running (bufferbloat).
    pub loaded_delay: Duration,
    /// Read requests but never answer (a stalled server).
    pub stall: bool,
}

impl SpeedProfile {
    /// The same rate both ways, no extra delay under load.
    pub fn symmetric(mbps: f64) -> SpeedProfile {
        SpeedProfile {
            up_bps: mbps * 1e6,
            down_bps: mbps * 1e6,
            loaded_delay: Duration::ZERO,
            stall: false,
        }
    }
}

/// A speed-test endpoint on 127.0.0.1 (HTTPS with a fresh self-signed certificate, or plain
/// HTTP): `GET /down?bytes=N` serves N zero bytes paced at the download rate (`bytes=0` is a
/// latency ping, answered at once unless an upload runs and `loaded_delay` is set), and
/// `POST /up` reads the body paced at the upload rate. Rates are kept by a schedule per
/// direction shared by all connections, like one line. Stopped when dropped.
pub struct SpeedServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The certificate (DER), when it speaks TLS.
    pub cert_der: Option<Vec<u8>>,
    /// Bytes it read from uploads.
    pub uploaded: Arc<std::sync::atomic::AtomicU64>,
    /// Bytes it wrote for downloads.
    pub downloaded: Arc<std::sync::atomic::AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Paces bytes at a rate: each chunk may go when the schedule says so.
struct Pacer {
    bps: f64,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    fn new(bps: f64) -> Arc<Pacer> {
        Arc::new(Pacer {
            bps,
            next: Mutex::new(None),
        })
    }

    /// Waits until `bytes` more may pass. The schedule is cumulative, so short sleeps are
    /// skipped (the timer's millisecond grain would otherwise cap fast rates) without
    /// changing the long-run rate.
    async fn wait(&self, bytes: usize) {
        let due = self.reserve(bytes);
        if due > Instant::now() + Duration::from_millis(2) {
            tokio::time::sleep_until(due.into()).await;
        }
    }

    /// Reserves `bytes` on the line and returns when they may pass.
    fn reserve(&self, bytes: usize) -> Instant {
        let mut next = self.next.lock().unwrap();
        // Lateness in waking up is made good (up to 50 ms, so an idle line does not bank a
        // burst): the long-run rate is the configured one.
        let floor = Instant::now() - Duration::from_millis(50);
        let start = match *next {
            Some(t) if t > floor => t,
            _ => floor + Duration::from_millis(50),
        };
        let done = start + Duration::from_secs_f64(bytes as f64 * 8.0 / self.bps);
        *next = Some(done);
        done
    }
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

impl SpeedServer {
    /// Starts it on a free loopback port; `tls` for HTTPS.
    pub fn start(profile: SpeedProfile, tls: bool) -> SpeedServer {
        let (acceptor, cert_der) = if tls {
            let (acceptor, cert_der) = self_signed_acceptor();
            (Some(acceptor), Some(cert_der))
        } else {
            (None, None)
        };
        // A small receive buffer, so an upload is held to the pace of our reads, as a slow
        // line would hold it.
        let socket = socket_with_small_buffer();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let uploaded = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let downloaded = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (up_count, down_count) = (uploaded.clone(), downloaded.clone());
        let (listening_tx, listening) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = socket.listen(64).unwrap();
                let _ = listening_tx.send(());
                let up = Pacer::new(profile.up_bps);
                let down = Pacer::new(profile.down_bps);
                let uploading = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                while !flag.load(Ordering::Relaxed) {
                    let accepted =
                        tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
                    let Ok(Ok((tcp, _))) = accepted else {
                        continue;
                    };
                    let acceptor = acceptor.clone();
                    let (up, down, uploading) = (up.clone(), down.clone(), uploading.clone());
                    let (up_count, down_count) = (up_count.clone(), down_count.clone());
                    tokio::spawn(async move {
                        let io: Box<dyn Io> = match acceptor {
                            Some(a) => match a.accept(tcp).await {
                                Ok(s) => Box::new(s),
                                Err(_) => return,
                            },
                            None => Box::new(tcp),
                        };
                        let _ = serve_speed(
                            io,
                            profile,
                            &up,
                            &down,
                            &uploading,
                            &up_count,
                            &down_count,
                        )
                        .await;
                    });
                }
            });
        });
        // Connections are accepted from here on (before, a client could be refused).
        listening.recv().expect("the speed-test server listens");
        SpeedServer {
            addr,
            cert_der,
            uploaded,
            downloaded,
            stop,
            thread: Some(thread),
        }
    }

    /// The base address (`https://localhost:PORT` or `http://127.0.0.1:PORT`).
    pub fn base(&self) -> String {
        match self.cert_der {
            Some(_) => format!("https://localhost:{}", self.addr.port()),
            None => format!("http://127.0.0.1:{}", self.addr.port()),
        }
    }

    /// The download address with its `{bytes}` placeholder.
    pub fn download_url(&self) -> String {
        format!("{}/down?bytes={{bytes}}", self.base())
    }

    /// The upload address.
    pub fn upload_url(&self) -> String {
        format!("{}/up", self.base())
    }

    /// A root store trusting this server (HTTPS only).
    pub fn root(&self) -> tokio_rustls::rustls::RootCertStore {
        root_trusting(self.cert_der.as_ref().expect("an HTTPS server"))
    }
}

fn socket_with_small_buffer() -> tokio::net::TcpSocket {
    // Made outside any runtime: TcpSocket needs none until it listens.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(16 * 1024).unwrap();
    socket.set_send_buffer_size(16 * 1024).unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    socket
}

#[allow(clippy::too_many_arguments)]
async fn serve_speed(
    mut io: Box<dyn Io>,
    profile: SpeedProfile,
    up: &Pacer,
    down: &Pacer,
    uploading: &std::sync::atomic::AtomicUsize,
    up_count: &std::sync::atomic::AtomicU64,
    down_count: &std::sync::atomic::AtomicU64,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // One request head.
        let (method, path, length, head_len) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut headers);
            if let Ok(httparse::Status::Complete(n)) = req.parse(&buf) {
                let length: u64 = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
                    .unwrap_or(0);
                break (
                    req.method.unwrap_or("").to_string(),
                    req.path.unwrap_or("").to_string(),
                    length,
                    n,
                );
            }
            let n = io.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        buf.drain(..head_len);
        if profile.stall {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
        if method == "POST" {
            uploading.fetch_add(1, Ordering::SeqCst);
            let mut got = buf.len() as u64;
            buf.clear();
            let mut small = [0u8; 8192];
            let result = async {
                while got < length {
                    let n = io.read(&mut small).await?;
                    if n == 0 {
                        break;
                    }
                    got += n as u64;
                    up_count.fetch_add(n as u64, Ordering::Relaxed);
                    up.wait(n).await;
                }
                std::io::Result::Ok(())
            }
            .await;
            uploading.fetch_sub(1, Ordering::SeqCst);
            result?;
            if got < length {
                return Ok(());
            }
            io.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .await?;
            return Ok(());
        }
        let bytes: u64 = path
            .split_once("bytes=")
            .and_then(|(_, n)| n.split('&').next()?.parse().ok())
            .unwrap_or(0);
        if bytes == 0 {
            if uploading.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(profile.loaded_delay).await;
            }
            io.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
                .await?;
            continue;
        }
        io.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let zeros = [0u8; 4096];
        let mut sent = 0u64;
        while sent < bytes {
            let n = (bytes - sent).min(zeros.len() as u64) as usize;
            down.wait(n).await;
            io.write_all(&zeros[..n]).await?;
            sent += n as u64;
            down_count.fetch_add(n as u64, Ordering::Relaxed);
        }
        return Ok(());
    }
}

impl Drop for SpeedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
