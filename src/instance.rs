//! One running Tayori per data directory.
//!
//! The first process takes an exclusive lock on `DATA/instance.lock` (held until it exits,
//! released by the OS even after a crash) and listens on a local endpoint: a Unix socket
//! `DATA/instance.sock` on Unix; on Windows a loopback TCP port written with a random token
//! to `DATA/instance.port`, so only someone who can read the data directory can talk to it.
//! A later process finds the lock taken, sends its [`Request`] to the first one, waits for
//! its "ok" and exits.
//!
//! Written on std alone (`File::try_lock`, `UnixListener`, `TcpListener`): the whole
//! protocol is one JSON line each way, which a crate would not make shorter.
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use thiserror::Error;

/// What a second `tayori` asks the running one to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Request {
    /// Bring the window to the front.
    Activate,
    /// Open the composer for this `mailto:` URL (already checked by [`crate::mailto`]).
    Mailto { url: String },
}

#[derive(Debug, Error)]
pub enum InstanceError {
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Tayori is already running for {path} but does not answer: {source}")]
    NoAnswer {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the running Tayori refused the request: {0}")]
    Refused(String),
    #[error("cannot listen for other Tayori processes: {0}")]
    Listen(std::io::Error),
}

/// How long a second process keeps trying to reach the first one (which may be between
/// taking the lock and listening).
const CONNECT_FOR: Duration = Duration::from_secs(5);
const REPLY_WITHIN: Duration = Duration::from_secs(5);

/// The outcome of [`acquire`].
#[derive(Debug)]
pub enum Role {
    /// This process is the one; keep the value alive as long as the app runs.
    Primary(Primary),
    /// Another process has this data directory and accepted the request.
    HandedOver,
}

/// The lock and listening endpoint of the running instance.
#[derive(Debug)]
pub struct Primary {
    _lock: File,
    listener: Option<endpoint::Listener>,
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    token: String,
    request: Request,
}

/// Becomes the running instance for `data_dir`, or hands `request` to the one that is.
pub fn acquire(data_dir: &Path, request: &Request) -> Result<Role, InstanceError> {
    let dir_err = |source| InstanceError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(dir_err)?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("instance.lock"))
        .map_err(dir_err)?;
    match lock.try_lock() {
        Ok(()) => {
            let listener = endpoint::Listener::bind(data_dir).map_err(InstanceError::Listen)?;
            Ok(Role::Primary(Primary {
                _lock: lock,
                listener: Some(listener),
                dir: data_dir.to_path_buf(),
            }))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            hand_over(data_dir, request)?;
            Ok(Role::HandedOver)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(dir_err(e)),
    }
}

fn hand_over(data_dir: &Path, request: &Request) -> Result<(), InstanceError> {
    let no_answer = |source| InstanceError::NoAnswer {
        path: data_dir.to_path_buf(),
        source,
    };
    let started = Instant::now();
    let (stream, token) = loop {
        match endpoint::connect(data_dir) {
            Ok(s) => break s,
            Err(e) if started.elapsed() >= CONNECT_FOR => return Err(no_answer(e)),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    stream
        .set_read_timeout(Some(REPLY_WITHIN))
        .map_err(no_answer)?;
    let mut line = serde_json::to_string(&Envelope {
        token,
        request: request.clone(),
    })
    .map_err(|e| no_answer(std::io::Error::other(e)))?;
    line.push('\n');
    (&stream).write_all(line.as_bytes()).map_err(no_answer)?;
    let mut reply = String::new();
    BufReader::new(&stream)
        .read_line(&mut reply)
        .map_err(no_answer)?;
    match reply.trim_end() {
        "ok" => Ok(()),
        "" => Err(no_answer(std::io::ErrorKind::UnexpectedEof.into())),
        other => Err(InstanceError::Refused(other.to_string())),
    }
}

impl Primary {
    /// Starts answering other processes on a background thread; their requests arrive on
    /// the returned channel (the UI turns it into a subscription). Call once; later calls
    /// return a channel that never yields.
    pub fn incoming(&mut self) -> async_channel::Receiver<Request> {
        let (tx, rx) = async_channel::unbounded();
        if let Some(listener) = self.listener.take() {
            let spawned = std::thread::Builder::new()
                .name("tayori-instance".into())
                .spawn(move || serve(listener, tx));
            if let Err(e) = spawned {
                tracing::warn!("cannot listen for other Tayori processes: {e}");
            }
        }
        rx
    }

    /// The data directory this instance holds.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Primary {
    fn drop(&mut self) {
        endpoint::cleanup(&self.dir);
    }
}

fn serve(listener: endpoint::Listener, tx: async_channel::Sender<Request>) {
    loop {
        let (stream, token) = match listener.accept() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("instance socket: {e}");
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let _ = stream.set_read_timeout(Some(REPLY_WITHIN));
        let mut line = String::new();
        if BufReader::new(&stream).read_line(&mut line).is_err() {
            continue;
        }
        let reply = match serde_json::from_str::<Envelope>(&line) {
            Ok(env) if env.token == token => {
                tracing::info!(?env.request, "request from another tayori process");
                if tx.send_blocking(env.request).is_err() {
                    return;
                }
                "ok\n"
            }
            Ok(_) => "bad token\n",
            Err(_) => "bad request\n",
        };
        let _ = (&stream).write_all(reply.as_bytes());
    }
}

#[cfg(unix)]
mod endpoint {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};

    /// sun_path holds 108 bytes on Linux, 104 on macOS; a longer data directory gets its
    /// socket in the temp dir under a name derived from the data directory.
    fn socket_path(dir: &Path) -> PathBuf {
        let p = dir.join("instance.sock");
        if p.as_os_str().len() < 100 {
            return p;
        }
        use sha2::{Digest, Sha256};
        let hash = Sha256::digest(dir.as_os_str().as_encoded_bytes());
        let name: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
        std::env::temp_dir().join(format!("tayori-{name}.sock"))
    }

    #[derive(Debug)]
    pub struct Listener(UnixListener);

    impl Listener {
        pub fn bind(dir: &Path) -> std::io::Result<Listener> {
            let path = socket_path(dir);
            // We hold the lock, so a socket file left here is from a process that died.
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let l = UnixListener::bind(&path)?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            Ok(Listener(l))
        }

        /// A connection, and the token it must present (none on Unix: the socket file
        /// is the user's own).
        pub fn accept(&self) -> std::io::Result<(UnixStream, String)> {
            self.0.accept().map(|(s, _)| (s, String::new()))
        }
    }

    pub fn connect(dir: &Path) -> std::io::Result<(UnixStream, String)> {
        UnixStream::connect(socket_path(dir)).map(|s| (s, String::new()))
    }

    pub fn cleanup(dir: &Path) {
        let _ = std::fs::remove_file(socket_path(dir));
    }
}

#[cfg(windows)]
mod endpoint {
    use std::hash::{BuildHasher, Hasher};
    use std::net::{Ipv4Addr, TcpListener, TcpStream};
    use std::path::Path;

    fn port_file(dir: &Path) -> std::path::PathBuf {
        dir.join("instance.port")
    }

    /// 128 random bits from the OS-seeded SipHash keys of two `RandomState`s.
    fn random_token() -> String {
        let mut out = String::new();
        for _ in 0..2 {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u8(0);
            out.push_str(&format!("{:016x}", h.finish()));
        }
        out
    }

    #[derive(Debug)]
    pub struct Listener {
        inner: TcpListener,
        token: String,
    }

    impl Listener {
        pub fn bind(dir: &Path) -> std::io::Result<Listener> {
            let inner = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            let token = random_token();
            let port = inner.local_addr()?.port();
            std::fs::write(port_file(dir), format!("{port} {token}\n"))?;
            Ok(Listener { inner, token })
        }

        pub fn accept(&self) -> std::io::Result<(TcpStream, String)> {
            self.inner.accept().map(|(s, _)| (s, self.token.clone()))
        }
    }

    pub fn connect(dir: &Path) -> std::io::Result<(TcpStream, String)> {
        let text = std::fs::read_to_string(port_file(dir))?;
        let mut parts = text.split_whitespace();
        let port: u16 = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| std::io::Error::other("bad instance.port file"))?;
        let token = parts.next().unwrap_or_default().to_string();
        TcpStream::connect((Ipv4Addr::LOCALHOST, port)).map(|s| (s, token))
    }

    pub fn cleanup(dir: &Path) {
        let _ = std::fs::remove_file(port_file(dir));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn primary(role: Role) -> Primary {
        match role {
            Role::Primary(p) => p,
            Role::HandedOver => panic!("expected to be the primary"),
        }
    }

    #[test]
    fn second_process_hands_its_request_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = primary(acquire(dir.path(), &Request::Activate).unwrap());
        let rx = first.incoming();
        let req = Request::Mailto {
            url: "mailto:a@example.com?subject=Hi".into(),
        };
        // The lock is per open file, so a second acquire in this process acts as a second
        // process would.
        assert!(matches!(
            acquire(dir.path(), &req).unwrap(),
            Role::HandedOver
        ));
        assert_eq!(rx.recv_blocking().unwrap(), req);
        assert!(matches!(
            acquire(dir.path(), &Request::Activate).unwrap(),
            Role::HandedOver
        ));
        assert_eq!(rx.recv_blocking().unwrap(), Request::Activate);
    }

    #[test]
    fn the_next_process_takes_over_after_the_first_ends_even_with_a_stale_socket() {
        let dir = tempfile::tempdir().unwrap();
        let first = primary(acquire(dir.path(), &Request::Activate).unwrap());
        drop(first);
        // What a crash leaves: the socket file stays, the lock goes with the process.
        #[cfg(unix)]
        std::fs::write(dir.path().join("instance.sock"), b"").unwrap();
        let mut second = primary(acquire(dir.path(), &Request::Activate).unwrap());
        let rx = second.incoming();
        assert!(matches!(
            acquire(dir.path(), &Request::Activate).unwrap(),
            Role::HandedOver
        ));
        assert_eq!(rx.recv_blocking().unwrap(), Request::Activate);
    }

    #[test]
    fn a_lock_holder_that_never_listens_is_reported_not_waited_on_forever() {
        let dir = tempfile::tempdir().unwrap();
        let lock = File::create(dir.path().join("instance.lock")).unwrap();
        lock.lock().unwrap();
        let t0 = Instant::now();
        let err = acquire(dir.path(), &Request::Activate).unwrap_err();
        assert!(matches!(err, InstanceError::NoAnswer { .. }), "{err}");
        assert!(t0.elapsed() >= CONNECT_FOR && t0.elapsed() < CONNECT_FOR * 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_long_data_dir_gets_a_short_socket_path() {
        let dir = tempfile::tempdir().unwrap();
        let long = dir.path().join("x".repeat(120));
        let mut first = primary(acquire(&long, &Request::Activate).unwrap());
        let rx = first.incoming();
        assert!(matches!(
            acquire(&long, &Request::Activate).unwrap(),
            Role::HandedOver
        ));
        assert_eq!(rx.recv_blocking().unwrap(), Request::Activate);
    }
}
