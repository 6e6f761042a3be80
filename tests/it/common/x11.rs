//! An X server of its own (Xvfb) per GUI test, and typing into it with xdotool.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM, so Xvfb removes its lock file and socket.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

pub fn have(c: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {c}"))
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// Starts an Xvfb with one screen of `size` ("1280x800") on a display number nobody holds.
pub fn xvfb(size: &str) -> Xvfb {
    assert!(
        ["Xvfb", "xdotool", "xmodmap", "import"]
            .iter()
            .all(|c| have(c)),
        "Xvfb, xdotool, xmodmap and ImageMagick are needed: run tests/setup-deps.sh"
    );
    // Tests run on parallel threads: each takes display numbers of its own.
    static NEXT: AtomicU32 = AtomicU32::new(90);
    for _ in 0..40 {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            || Path::new(&format!("/tmp/.X{n}-lock")).exists()
        {
            continue;
        }
        let display = format!(":{n}");
        let screen = format!("{size}x24");
        let child = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                screen.as_str(),
                "-nolisten",
                "tcp",
                // Without it Xvfb resets when its last client leaves, and a window that
                // connects during the reset fails to open the display.
                "-noreset",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Dropped (stopped and reaped) unless it becomes ready.
        let mut x = Xvfb { child, display };
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            // Ours exited: another X server took this number first (a parallel test run).
            if x.child.try_wait().ok().flatten().is_some() {
                break;
            }
            // Ready when a client can connect (the socket appears a little earlier).
            if xdo(&x.display, &["getdisplaygeometry"]).contains(' ') {
                return x;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("Xvfb did not start");
}

pub fn xdo(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Keycodes the server's keymap leaves empty.
fn spare_keycodes(display: &str) -> Vec<u32> {
    let out = Command::new("xmodmap")
        .arg("-pke")
        .env("DISPLAY", display)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (code, syms) = l.strip_prefix("keycode")?.split_once('=')?;
            syms.trim().is_empty().then(|| code.trim().parse().ok())?
        })
        .collect()
}

/// Types `text` into the focused window, `delay_ms` between keys, as a person would.
///
/// xdotool types a character outside the keymap (any kanji) by binding it to a spare key,
/// pressing that and unbinding it again. A loaded window reads the press after the unbinding
/// and the character is lost. So the characters outside the keymap are bound here first, for
/// good, and the window is given time to read the new map: xdotool then only presses keys.
pub fn type_text(display: &str, text: &str, delay_ms: u32) {
    let mut wanted: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let bound = Command::new("xmodmap")
        .arg("-pke")
        .env("DISPLAY", display)
        .output()
        .unwrap();
    let bound = String::from_utf8_lossy(&bound.stdout).into_owned();
    wanted.retain(|c| !bound.contains(&format!(" U{:04X}", *c as u32)));
    if !wanted.is_empty() {
        let spare = spare_keycodes(display);
        assert!(
            spare.len() >= wanted.len(),
            "{} spare keycodes for {} characters",
            spare.len(),
            wanted.len()
        );
        let mut cmd = Command::new("xmodmap");
        cmd.env("DISPLAY", display);
        for (c, code) in wanted.iter().zip(spare) {
            let sym = format!("U{:04X}", *c as u32);
            cmd.arg("-e").arg(format!("keycode {code} = {sym} {sym}"));
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "xmodmap: {out:?}");
        // The window reads the new map (MappingNotify) before the first press.
        std::thread::sleep(Duration::from_millis(800));
    }
    xdo(display, &["type", "--delay", &delay_ms.to_string(), text]);
}
