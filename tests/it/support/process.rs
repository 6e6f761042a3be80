//! Processes the bed starts, and loopback ports. Every signal goes to a process group whose
//! leader is a child we have not reaped yet, so it can only reach processes we started.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A server process we started, the leader of its own process group, plus a watchdog that
/// kills that group if the test process dies without dropping the bed (e.g. killed by a
/// timeout), so no server outlives its test run.
pub struct Proc {
    pub name: &'static str,
    child: Child,
    guard: Option<(Child, ChildStdin)>,
}

impl Proc {
    /// `own_group`: put the child in a new process group (pass false only for a daemon that
    /// calls setsid() itself, so it leads its own group; Postfix master runs with -d instead).
    /// `cleanup`: a directory the watchdog removes after killing the group.
    pub fn spawn(
        name: &'static str,
        cmd: &mut Command,
        own_group: bool,
        stderr: &Path,
        cleanup: Option<&Path>,
    ) -> Proc {
        let err = std::fs::File::create(stderr).unwrap();
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(err);
        if own_group {
            cmd.process_group(0);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start {name} ({cmd:?}): {e}; run tests/setup-deps.sh")
        });
        let pid = child.id();
        // The watchdog blocks reading stdin; EOF (our process is gone) makes it kill the group.
        let guard = Command::new("sh")
            .arg("-c")
            .arg(
                "trap '' INT TERM HUP; read _ || true; kill -s KILL -- -\"$1\" 2>/dev/null; \
                 [ -n \"$2\" ] && sleep 1 && rm -rf -- \"$2\"",
            )
            .arg("sh")
            .arg(pid.to_string())
            .arg(cleanup.unwrap_or(Path::new("")))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ok()
            .map(|mut g| {
                let stdin = g.stdin.take().unwrap();
                (g, stdin)
            });
        Proc { name, child, guard }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Running and not a zombie (checked without reaping, so the pid stays ours).
    pub fn alive(&self) -> bool {
        match std::fs::read_to_string(format!("/proc/{}/stat", self.pid())) {
            Ok(stat) => match stat.rfind(')') {
                Some(i) => !matches!(stat[i + 1..].trim_start().chars().next(), Some('Z' | 'X')),
                None => false,
            },
            Err(_) => false,
        }
    }

    /// Sends `sig` (e.g. "TERM", "KILL") to the leader and its whole process group.
    pub fn signal(&self, sig: &str) {
        // The shell's kill builtin: procps may be missing on minimal systems.
        let _ = Command::new("sh")
            .arg("-c")
            .arg("kill -s \"$2\" -- -\"$1\"; kill -s \"$2\" \"$1\"")
            .args(["sh", &self.pid().to_string(), sig])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Kills what is left of the group, then reaps the leader and the watchdog.
    pub fn finish(mut self) {
        self.signal("KILL");
        let _ = self.child.wait();
        if let Some((mut g, stdin)) = self.guard.take() {
            let _ = g.kill();
            let _ = g.wait();
            drop(stdin);
        }
    }
}

/// Stops processes: SIGTERM (or SIGKILL when `hard`) to each group, waits for the leaders
/// (at most `grace`), SIGKILLs any leftovers, reaps, and waits until `ports` are closed.
pub fn stop_all(procs: Vec<Proc>, hard: bool, grace: Duration, ports: &[u16]) {
    for p in &procs {
        p.signal(if hard { "KILL" } else { "TERM" });
    }
    let deadline = Instant::now() + grace;
    while procs.iter().any(Proc::alive) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    for p in procs {
        p.finish();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while ports.iter().any(|p| port_open(*p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok()
}

/// Ports handed out by this process: beds run on parallel test threads.
static TAKEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A free TCP port on 127.0.0.1, never the same twice in one process. Taken below the
/// kernel's ephemeral range so an outgoing connection cannot grab it between stop and restart.
pub fn free_port() -> u16 {
    let (lo, hi) = port_range();
    let span = u32::from(hi - lo);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id().wrapping_mul(2_654_435_761);
    let mut taken = TAKEN.lock().unwrap_or_else(|e| e.into_inner());
    let taken = taken.get_or_insert_with(HashSet::new);
    for k in 0..span {
        let port = lo + ((seed.wrapping_add(k.wrapping_mul(7919))) % span) as u16;
        if taken.contains(&port) {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            taken.insert(port);
            return port;
        }
    }
    panic!("no free port in {lo}..{hi}");
}

/// [lo, hi): the ports below `ip_local_port_range`, or a fixed range if unreadable.
fn port_range() -> (u16, u16) {
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    if start > 12_000 {
        (10_000, start)
    } else {
        (61_000, 65_000)
    }
}

/// Reads the greeting line of a plain-text protocol on `port` (SMTP "220 ...", IMAP "* OK").
pub fn greeting(port: u16) -> std::io::Result<String> {
    use std::io::Read;
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf)?;
    let _ = s.write_all(b"QUIT\r\n");
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}

/// Runs a command, panicking with its stderr on failure; returns stdout.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The last `n` lines of a log file, for panic messages.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
