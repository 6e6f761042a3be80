//! A private D-Bus session with an unlocked gnome-keyring (the OS keyring of the OAuth2
//! tests): `tayori` runs, or this process, reach it through `DBUS_SESSION_BUS_ADDRESS`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A private D-Bus session with an unlocked gnome-keyring, kept for the whole test; each
/// `tayori` run talks to it through `DBUS_SESSION_BUS_ADDRESS`.
pub struct Keyring {
    child: Child,
    pub bus: String,
    _home: tempfile::TempDir,
}

impl Keyring {
    pub fn start() -> Keyring {
        let home = tempfile::tempdir().unwrap();
        let addr = home.path().join("bus");
        let script = format!(
            "export XDG_RUNTIME_DIR=$(mktemp -d) HOME={home}\n\
             printf %s unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
             printf %s \"$DBUS_SESSION_BUS_ADDRESS\" > {addr}.tmp && mv {addr}.tmp {addr}\n\
             exec sleep 600\n",
            home = home.path().display(),
            addr = addr.display()
        );
        let child = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !addr.exists() {
            assert!(Instant::now() < deadline, "no D-Bus session after 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        let bus = std::fs::read_to_string(&addr).unwrap();
        Keyring {
            child,
            bus,
            _home: home,
        }
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // The session's whole process group: bash, dbus-daemon, gnome-keyring-daemon.
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s TERM -- -{} 2>/dev/null", self.child.id()))
            .status();
        let _ = self.child.wait();
    }
}
