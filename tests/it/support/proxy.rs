//! A TCP proxy on loopback in front of a real server, for cut-and-resume tests. Each new
//! connection is forwarded as is, unless a fault is armed: the next connection then is cut
//! after N bytes in one direction (both sides closed at once, as a dropped network), stalls
//! after N bytes (stays open, forwards nothing more), or connections are refused for a
//! while (accepted and closed at once). TLS passes through untouched (the counts are of
//! encrypted bytes), so the client still checks the real server's certificate.
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the proxy does to the next connection (then it forwards normally again), or to
/// every connection until a time (`RefuseUntil`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close both sides once the client has sent this many bytes (mid-APPEND, mid-DATA).
    CutUp(usize),
    /// Close both sides once the server has sent this many bytes (mid-FETCH, mid-RETR).
    CutDown(usize),
    /// Forward nothing more from the server after this many bytes; keep the sockets open.
    StallDown(usize),
    /// Accept and close every connection until then.
    RefuseUntil(Instant),
}

struct Ctl {
    target: u16,
    fault: Mutex<Option<Fault>>,
    stop: AtomicBool,
    /// Connections accepted, and faults that happened (a cut or a stall reached).
    accepted: AtomicUsize,
    hit: AtomicUsize,
    /// Bytes forwarded from clients to the server, and back, all connections.
    up: AtomicUsize,
    down: AtomicUsize,
    open: Mutex<Vec<TcpStream>>,
}

pub struct Proxy {
    pub port: u16,
    ctl: Arc<Ctl>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `127.0.0.1:target`.
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let ctl = Arc::new(Ctl {
            target,
            fault: Mutex::new(None),
            stop: AtomicBool::new(false),
            accepted: AtomicUsize::new(0),
            hit: AtomicUsize::new(0),
            up: AtomicUsize::new(0),
            down: AtomicUsize::new(0),
            open: Mutex::new(Vec::new()),
        });
        let c = ctl.clone();
        std::thread::spawn(move || accept_loop(listener, c));
        Proxy { port, ctl }
    }

    /// Arms `fault` for the next connection (or, `RefuseUntil`, for all until then).
    pub fn arm(&self, fault: Fault) {
        *self.ctl.fault.lock().unwrap() = Some(fault);
    }

    /// Faults that took effect so far (a cut or a stall reached, a connection refused).
    pub fn hits(&self) -> usize {
        self.ctl.hit.load(Ordering::SeqCst)
    }

    /// Bytes clients sent through the proxy so far.
    pub fn up_bytes(&self) -> usize {
        self.ctl.up.load(Ordering::SeqCst)
    }

    /// Bytes servers sent through the proxy so far.
    pub fn down_bytes(&self) -> usize {
        self.ctl.down.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> usize {
        self.ctl.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.ctl.stop.store(true, Ordering::SeqCst);
        for s in self.ctl.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: TcpListener, ctl: Arc<Ctl>) {
    while !ctl.stop.load(Ordering::SeqCst) {
        let client = match listener.accept() {
            Ok((s, _)) => s,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        ctl.accepted.fetch_add(1, Ordering::SeqCst);
        let _ = client.set_nonblocking(false);
        let fault = {
            let mut f = ctl.fault.lock().unwrap();
            match *f {
                Some(Fault::RefuseUntil(t)) if Instant::now() < t => Some(Fault::RefuseUntil(t)),
                Some(Fault::RefuseUntil(_)) => f.take().and(None),
                _ => f.take(),
            }
        };
        if matches!(fault, Some(Fault::RefuseUntil(_))) {
            ctl.hit.fetch_add(1, Ordering::SeqCst);
            let _ = client.shutdown(Shutdown::Both);
            continue;
        }
        let Ok(server) = TcpStream::connect(("127.0.0.1", ctl.target)) else {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        };
        {
            let mut open = ctl.open.lock().unwrap();
            open.push(client.try_clone().unwrap());
            open.push(server.try_clone().unwrap());
        }
        let (up_limit, down_limit, stall) = match fault {
            Some(Fault::CutUp(n)) => (Some(n), None, false),
            Some(Fault::CutDown(n)) => (None, Some(n), false),
            Some(Fault::StallDown(n)) => (None, Some(n), true),
            _ => (None, None, false),
        };
        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let ctl_up = ctl.clone();
        std::thread::spawn(move || pump(client, server, up_limit, false, true, &ctl_up));
        let ctl_down = ctl.clone();
        std::thread::spawn(move || pump(s2, c2, down_limit, stall, false, &ctl_down));
    }
}

/// Copies `from` to `to`. At `limit` bytes: closes both sockets (a cut) or, `stall`, stops
/// forwarding and keeps reading (and dropping) until the other side closes.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    limit: Option<usize>,
    stall: bool,
    up: bool,
    ctl: &Ctl,
) {
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    let mut stalled = false;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if stalled {
            continue;
        }
        let room = limit.map_or(n, |l| l.saturating_sub(sent).min(n));
        if room > 0 && to.write_all(&buf[..room]).is_err() {
            break;
        }
        sent += room;
        let counter = if up { &ctl.up } else { &ctl.down };
        counter.fetch_add(room, Ordering::SeqCst);
        if room < n || limit == Some(sent) {
            ctl.hit.fetch_add(1, Ordering::SeqCst);
            if stall {
                stalled = true;
                continue;
            }
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
            return;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
