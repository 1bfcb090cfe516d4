//! The thin loop around [`Service`]: std::net, one accept thread and a small pool of worker
//! threads that each serve one connection at a time (keep-alive while nobody waits).
//! [`Shutdown`] stops accepting, lets in-flight requests finish, then [`Server::run`] returns.

use super::Service;
use super::http::{self, Limits, ReadError, Request, Response};
use std::io::{self, BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown as NetShutdown, SocketAddr, TcpListener};
use std::net::{TcpStream, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// How the server runs.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Worker threads: connections served at once.
    pub threads: usize,
    pub limits: Limits,
    /// How long an idle keep-alive connection is kept.
    pub idle: Duration,
    /// Longest wait for the rest of a request once it began, and for a write.
    pub io_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threads: 8,
            limits: Limits::default(),
            idle: Duration::from_secs(5),
            io_timeout: Duration::from_secs(10),
        }
    }
}

/// Asks a running server to stop; cheap to clone and safe to call from any thread.
#[derive(Debug, Clone)]
pub struct Shutdown {
    flag: Arc<AtomicBool>,
    /// Where to connect to wake the blocking `accept`.
    wake: SocketAddr,
}

impl Shutdown {
    pub fn trigger(&self) {
        if !self.flag.swap(true, Ordering::SeqCst) {
            let _ = TcpStream::connect_timeout(&self.wake, Duration::from_secs(1));
        }
    }

    pub fn is_triggered(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    service: Arc<Service>,
    config: Config,
    shutdown: Shutdown,
}

impl Server {
    pub fn bind(addr: impl ToSocketAddrs, service: Service, config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let wake_ip = match local.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        Ok(Server {
            listener,
            service: Arc::new(service),
            config,
            shutdown: Shutdown {
                flag: Arc::new(AtomicBool::new(false)),
                wake: SocketAddr::new(wake_ip, local.port()),
            },
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Serves until [`Shutdown::trigger`]; then finishes the requests in flight and returns.
    pub fn run(self) -> io::Result<()> {
        let threads = self.config.threads.max(1);
        let (tx, rx) = mpsc::sync_channel::<TcpStream>(threads * 8);
        let rx = Arc::new(Mutex::new(rx));
        let waiting = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                let worker = Worker {
                    service: self.service.clone(),
                    config: self.config,
                    shutdown: self.shutdown.clone(),
                    waiting: waiting.clone(),
                };
                let rx = rx.clone();
                thread::Builder::new()
                    .name(format!("serve-{i}"))
                    .spawn(move || {
                        loop {
                            // The lock is held only while taking the next connection.
                            let next = match rx.lock() {
                                Ok(rx) => rx.recv(),
                                Err(poisoned) => poisoned.into_inner().recv(),
                            };
                            let Ok(stream) = next else { break };
                            worker.waiting.fetch_sub(1, Ordering::SeqCst);
                            worker.connection(stream);
                        }
                    })
            })
            .collect::<io::Result<_>>()?;
        for stream in self.listener.incoming() {
            if self.shutdown.is_triggered() {
                break;
            }
            match stream {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    waiting.fetch_add(1, Ordering::SeqCst);
                    if tx.send(stream).is_err() {
                        break;
                    }
                }
                // Out of file descriptors or a connection reset before accept: go on.
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
        drop(tx);
        for w in workers {
            let _ = w.join();
        }
        Ok(())
    }
}

struct Worker {
    service: Arc<Service>,
    config: Config,
    shutdown: Shutdown,
    /// Connections accepted but not yet taken by a worker.
    waiting: Arc<AtomicUsize>,
}

/// How often an idle connection looks at the shutdown flag and the queue.
const POLL: Duration = Duration::from_millis(100);
/// How long a new connection may stay silent while others wait or the server stops.
const FRESH_GRACE: Duration = Duration::from_secs(1);

impl Worker {
    fn connection(&self, stream: TcpStream) {
        // A panic is answered inside `respond`; this guard only keeps the worker alive.
        let _ = catch_unwind(AssertUnwindSafe(|| self.serve(stream)));
    }

    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_write_timeout(Some(self.config.io_timeout));
        let Ok(read_half) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(read_half);
        let mut writer = stream;
        let mut first = true;
        loop {
            if !self.wait_for_request(&mut reader, &writer, first) {
                return;
            }
            first = false;
            let _ = writer.set_read_timeout(Some(self.config.io_timeout));
            match http::read_request(&mut reader, &mut writer, self.config.limits) {
                Ok(req) => {
                    let resp = self.respond(&req);
                    let keep = req.keep_alive()
                        && !self.shutdown.is_triggered()
                        && self.waiting.load(Ordering::SeqCst) == 0;
                    let head_only = req.method == "HEAD";
                    if http::write_response(&mut writer, &resp, keep, head_only).is_err() || !keep {
                        return;
                    }
                }
                Err(ReadError::Closed) => return,
                Err(ReadError::Io(e)) => {
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) {
                        let resp = Response::error(408, "request not completed in time");
                        let _ = http::write_response(&mut writer, &resp, false, false);
                    }
                    return;
                }
                Err(ReadError::Reject(status, reason)) => {
                    let resp = Response::error(status, reason)
                        .with_header("Access-Control-Allow-Origin", "*");
                    if http::write_response(&mut writer, &resp, false, false).is_ok() {
                        linger(&mut reader, &writer);
                    }
                    return;
                }
            }
        }
    }

    /// Waits for the first byte of a request. Gives up on a closed or idle connection, and on
    /// a silent one when the server stops or other connections are waiting.
    fn wait_for_request(
        &self,
        reader: &mut BufReader<TcpStream>,
        stream: &TcpStream,
        first: bool,
    ) -> bool {
        if !reader.buffer().is_empty() {
            return true;
        }
        let _ = stream.set_read_timeout(Some(POLL));
        let since = Instant::now();
        loop {
            match reader.fill_buf() {
                Ok(buf) => return !buf.is_empty(),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) =>
                {
                    // A fresh connection gets a grace period before it yields, as a
                    // browser may open one and send its request a moment later.
                    let idle = since.elapsed();
                    let yields = !first || idle >= FRESH_GRACE;
                    if idle >= self.config.idle
                        || (yields && self.shutdown.is_triggered())
                        || (yields && self.waiting.load(Ordering::SeqCst) > 0)
                    {
                        return false;
                    }
                }
                Err(_) => return false,
            }
        }
    }

    fn respond(&self, req: &Request) -> Response {
        match catch_unwind(AssertUnwindSafe(|| self.service.handle(req))) {
            Ok(resp) => resp,
            Err(_) => Response::error(500, "internal error while checking; please report it")
                .with_header("Access-Control-Allow-Origin", "*"),
        }
    }
}

/// After answering a rejected request, reads (and drops) what the client still sends for a
/// short while, so it sees our answer instead of a connection reset.
fn linger(reader: &mut BufReader<TcpStream>, stream: &TcpStream) {
    let _ = stream.shutdown(NetShutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let until = Instant::now() + Duration::from_secs(2);
    let mut sink = [0u8; 16 * 1024];
    let mut left: usize = 16 * 1024 * 1024;
    while Instant::now() < until && left > 0 {
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Context;

    #[test]
    fn shutdown_stops_an_idle_server() {
        let service = Service::new(&[], Context::default());
        let server = Server::bind("127.0.0.1:0", service, Config::default()).unwrap();
        let stop = server.shutdown_handle();
        let handle = thread::spawn(move || server.run());
        stop.trigger();
        handle.join().unwrap().unwrap();
        assert!(stop.is_triggered());
    }
}
