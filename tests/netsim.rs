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
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let key =
            rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
        let cert_der = key.cert.der().to_vec();
        let private =
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(cert_der.clone())], private)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
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
        let mut roots = tokio_rustls::rustls::RootCertStore::empty();
        roots
            .add(tokio_rustls::rustls::pki_types::CertificateDer::from(
                self.cert_der.clone(),
            ))
            .unwrap();
        roots
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
