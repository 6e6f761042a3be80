//! The real window under Xvfb: started over a test's data dir in English or Japanese,
//! keys and clicks with xdotool, resizing, screenshots.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::x11::{Xvfb, xdo};
use super::{Tayori, bin};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Window {
    child: Child,
    pub id: String,
    pub display: String,
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The LANG a window in `lang` ("en" or "ja") is started with.
pub fn lang_env(lang: &str) -> &'static str {
    if lang == "ja" {
        "ja_JP.UTF-8"
    } else {
        "en_US.UTF-8"
    }
}

fn spawn_window(t: &Tayori, x: &Xvfb, lang: &str) -> Window {
    let log = std::fs::File::create(t.data_dir().join("gui.log")).unwrap();
    let child = Command::new(bin())
        .arg("--data-dir")
        .arg(t.data_dir())
        .env("DISPLAY", &x.display)
        .env("LANG", lang_env(lang))
        .env_remove("LC_ALL")
        .env_remove("LANGUAGE")
        .env_remove("WAYLAND_DISPLAY")
        .env("TAYORI_LOG", "tayori=info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    // Owned by the guard at once, so the process is reaped on every path.
    Window {
        child,
        id: String::new(),
        display: x.display.clone(),
    }
}

/// Starts the window over `t`'s data dir in `lang` ("en" or "ja") and waits for it.
pub fn open_window(t: &Tayori, x: &Xvfb, lang: &str) -> Window {
    let mut w = spawn_window(t, x, lang);
    let mut starts = 1;
    let t0 = Instant::now();
    loop {
        // By its process (the title is in the window's language).
        let pid = w.child.id().to_string();
        let id = xdo(&x.display, &["search", "--pid", &pid]);
        if let Some(id) = id.lines().next().filter(|l| !l.is_empty()) {
            w.id = id.to_string();
            // Give it a moment to draw its first frame.
            std::thread::sleep(Duration::from_millis(1500));
            xdo(&w.display, &["windowfocus", "--sync", &w.id]);
            return w;
        }
        // A start that died at once (the X connection refused) is tried again, twice at most.
        if w.child.try_wait().ok().flatten().is_some() && starts < 3 {
            eprintln!(
                "window exited at start ({}); starting it again",
                std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(500));
            w = spawn_window(t, x, lang);
            starts += 1;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(45),
            "the window did not appear; log: {}",
            std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Window {
    pub fn key(&self, k: &str) {
        xdo(&self.display, &["key", "--clearmodifiers", k]);
        std::thread::sleep(Duration::from_millis(700));
    }
    pub fn click(&self, x: u32, y: u32) {
        xdo(
            &self.display,
            &["mousemove", &x.to_string(), &y.to_string(), "click", "1"],
        );
        std::thread::sleep(Duration::from_millis(700));
    }
    /// Resizes the window to `w`x`h` and gives it time to lay itself out again.
    pub fn resize(&self, w: u32, h: u32) {
        xdo(
            &self.display,
            &[
                "windowsize",
                "--sync",
                &self.id,
                &w.to_string(),
                &h.to_string(),
            ],
        );
        std::thread::sleep(Duration::from_millis(1500));
    }
    /// Takes a screenshot of the screen; checks it shows more than a blank window.
    pub fn shot(&self, dir: &Path, name: &str) -> PathBuf {
        self.capture(dir, name, "root")
    }
    /// Takes a screenshot of the window alone (its current size).
    pub fn shot_window(&self, dir: &Path, name: &str) -> PathBuf {
        self.capture(dir, name, &self.id.clone())
    }
    fn capture(&self, dir: &Path, name: &str, window: &str) -> PathBuf {
        let path = dir.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-display", &self.display, "-window", window])
            .arg(&path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "screenshot failed");
        let colors = Command::new("identify")
            .args(["-format", "%k"])
            .arg(&path)
            .output()
            .unwrap();
        let n: u32 = String::from_utf8_lossy(&colors.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        assert!(
            n > 20,
            "{name}: the screenshot is nearly blank ({n} colours)"
        );
        path
    }
}

pub fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !f() {
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Where a test keeps its screenshots: TAYORI_SCREENSHOTS when set (the README's come from
/// there), else `fallback`.
pub fn shots_dir(fallback: &Path) -> PathBuf {
    let dir = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| fallback.join("screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
