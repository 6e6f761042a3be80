//! The setup wizard in the real window under Xvfb, in English and Japanese, driven with
//! xdotool: first run opens the wizard; the address's autoconfig (served over HTTPS with the
//! bed's certificate, slowly, so the "looking up" step shows) points at the test bed; IMAP and
//! POP3 are explained; a wrong password gets the specific message; the right one finishes,
//! the password goes to a real keyring (gnome-keyring in a private D-Bus session) and the
//! first sync fetches the mail. Each step is screenshotted; with TAYORI_SCREENSHOTS=DIR the
//! pictures are kept there as wizard-<step>-<lang>.png (the README's come from here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::gui::wait_for;
use crate::support;

use common::x11::{Xvfb, have, type_text, xdo, xvfb};
use common::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{BedOptions, TestBed, make_message};

/// An HTTPS server (python, the bed's certificate) that answers every GET with `xml`
/// after `delay` seconds.
struct SlowAutoconfig {
    child: Child,
    port: u16,
}

impl SlowAutoconfig {
    fn start(bed: &TestBed, xml: &str, delay: f32) -> SlowAutoconfig {
        let file = bed.dir.join("autoconfig.xml");
        std::fs::write(&file, xml).unwrap();
        let script = "import http.server, ssl, sys, time\n\
            body = open(sys.argv[1], 'rb').read()\n\
            class H(http.server.BaseHTTPRequestHandler):\n\
            \x20   def do_GET(self):\n\
            \x20       time.sleep(float(sys.argv[4]))\n\
            \x20       self.send_response(200)\n\
            \x20       self.send_header('Content-Type', 'text/xml')\n\
            \x20       self.send_header('Content-Length', str(len(body)))\n\
            \x20       self.end_headers()\n\
            \x20       self.wfile.write(body)\n\
            s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n\
            c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
            c.load_cert_chain(sys.argv[2], sys.argv[3])\n\
            s.socket = c.wrap_socket(s.socket, server_side=True)\n\
            print(s.server_address[1], flush=True)\n\
            s.serve_forever()\n";
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&file)
            .arg(bed.dir.join("server.crt"))
            .arg(bed.dir.join("server.key"))
            .arg(delay.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        SlowAutoconfig {
            child,
            port: line.trim().parse().unwrap(),
        }
    }
}

impl Drop for SlowAutoconfig {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn autoconfig(bed: &TestBed) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example-isp.test">
    <domain>example-isp.test</domain>
    <displayName>Example ISP</displayName>
    <incomingServer type="imap">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#,
        bed.imaps_port(),
        bed.pop3s_port(),
        bed.submission_port()
    )
}

struct Window {
    child: Child,
    id: String,
    display: String,
}

impl Drop for Window {
    fn drop(&mut self) {
        // The window's own process (inside the D-Bus session), then the session.
        let pid = if self.id.is_empty() {
            String::new()
        } else {
            xdo(&self.display, &["getwindowpid", &self.id])
        };
        if !pid.is_empty() {
            let _ = Command::new("kill").arg(&pid).status();
        }
        std::thread::sleep(Duration::from_millis(300));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real binary in a private D-Bus session with an unlocked gnome-keyring, pointed at the
/// autoconfig server through the wizard's testing knobs.
fn open_window(t: &Tayori, x: &Xvfb, lang: &str, url: &str, ca: &Path) -> Window {
    let log = std::fs::File::create(t.data_dir().join(format!("gui-{lang}.log"))).unwrap();
    let script = format!(
        "set -e\nexport XDG_RUNTIME_DIR=$(mktemp -d) HOME=$(mktemp -d)\n\
         printf %s unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
         exec {bin} --data-dir {dir}\n",
        bin = bin(),
        dir = t.data_dir().display(),
    );
    let child = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .env("DISPLAY", &x.display)
        .env("LANG", crate::common::gui::lang_env(lang))
        .env_remove("LC_ALL")
        .env_remove("LANGUAGE")
        .env_remove("WAYLAND_DISPLAY")
        .env("TAYORI_DISCOVERY_AUTOCONFIG_URL", url)
        .env("TAYORI_DISCOVERY_CA_FILE", ca)
        .env("TAYORI_LOG", "tayori=info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    let mut w = Window {
        child,
        id: String::new(),
        display: x.display.clone(),
    };
    loop {
        // The only named window on this private display (the title is "便り" in Japanese,
        // which xdotool's name match does not see).
        let id = xdo(&x.display, &["search", "--name", "."]);
        if let Some(id) = id.lines().next().filter(|l| !l.is_empty()) {
            w.id = id.to_string();
            std::thread::sleep(Duration::from_millis(1500));
            xdo(&w.display, &["windowfocus", "--sync", &w.id]);
            return w;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the window did not appear; log: {}",
            std::fs::read_to_string(t.data_dir().join(format!("gui-{lang}.log")))
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.contains("XDG_RUNTIME_DIR"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Window {
    fn click(&self, x: u32, y: u32) {
        xdo(
            &self.display,
            &["mousemove", &x.to_string(), &y.to_string(), "click", "1"],
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    fn type_into(&self, x: u32, y: u32, s: &str) {
        self.click(x, y);
        xdo(&self.display, &["key", "--clearmodifiers", "ctrl+a"]);
        xdo(&self.display, &["key", "--clearmodifiers", "BackSpace"]);
        type_text(&self.display, s, 60);
        std::thread::sleep(Duration::from_millis(400));
    }
    fn shot(&self, dir: &Path, name: &str) -> PathBuf {
        std::thread::sleep(Duration::from_millis(600));
        let path = dir.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "screenshot failed");
        path
    }
}

/// Where things are in the 1200x760 window (the wizard's column is 720 wide, centred).
mod at {
    pub const NAME: (u32, u32) = (450, 222);
    pub const EMAIL: (u32, u32) = (450, 289);
    pub const PASSWORD: (u32, u32) = (450, 357);
    /// The first button of the bottom bar (Next, Test the connection, Try again, Go to my mail).
    pub const PRIMARY: (u32, u32) = (262, 706);
}

fn run_wizard(lang: &str, user: usize, name: &str, shots: &Path, pop3: bool) {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    bed.load_maildir(
        user,
        "INBOX",
        (0..5).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Welcome {i}"), "Hello."),
                false,
            )
        }),
    );
    let (login, pw) = bed.user(user);
    let web = SlowAutoconfig::start(&bed, &autoconfig(&bed), 2.5);
    let url = format!("https://localhost:{}/mail/config-v1.1.xml", web.port);
    let t = Tayori::new();
    let x = xvfb("1200x760");
    let w = open_window(&t, &x, lang, &url, &bed.ca_file());
    let shot = |step: &str| w.shot(shots, &format!("wizard-{step}-{lang}"));

    shot("welcome");
    w.type_into(at::NAME.0, at::NAME.1, name);
    w.type_into(
        at::EMAIL.0,
        at::EMAIL.1,
        &format!("{login}@example-isp.test"),
    );
    w.type_into(at::PASSWORD.0, at::PASSWORD.1, "not-my-password");
    shot("identity");
    w.click(at::PRIMARY.0, at::PRIMARY.1);
    shot("discovering");
    std::thread::sleep(Duration::from_secs(4));
    shot("choice");
    if pop3 {
        // The POP3 card's title (under the IMAP card).
        // Japanese wraps the IMAP explanation onto a third line.
        w.click(305, if lang == "ja" { 432 } else { 414 });
        shot("choice-pop3");
    }
    w.click(at::PRIMARY.0, at::PRIMARY.1);
    std::thread::sleep(Duration::from_secs(4));
    shot("wrong-password");
    assert!(
        t.run(&["account", "list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "an account was added with a refused password"
    );
    // The password field has the focus after a failed test.
    xdo(&w.display, &["key", "--clearmodifiers", "ctrl+a"]);
    type_text(&w.display, &pw, 30);
    w.click(at::PRIMARY.0, at::PRIMARY.1);
    wait_for("the account saved", 20, || {
        !t.run(&["account", "list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    });
    let accounts = t.run(&["account", "list", "--json"]).json();
    let a = &accounts[0];
    assert_eq!(a["email"], format!("{login}@example-isp.test"));
    assert_eq!(a["protocol"], if pop3 { "pop3" } else { "imap" });
    assert_eq!(a["name"], name);
    // The first sync runs with the password from the keyring.
    wait_for("the first sync", 30, || cached_count(&t) >= 5);
    shot("done");
    w.click(at::PRIMARY.0, at::PRIMARY.1);
    shot("mail");
    // "Add account" in the top bar opens the wizard again; the manual form is one click on.
    w.click(270, 23);
    w.click(if lang == "ja" { 368 } else { 411 }, at::PRIMARY.1);
    shot("manual");
    drop(w);
}

fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("tayori-wizard-shots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tools_present() -> bool {
    let ok = [
        "Xvfb",
        "xdotool",
        "import",
        "dbus-run-session",
        "gnome-keyring-daemon",
    ]
    .iter()
    .all(|c| have(c));
    assert!(
        ok,
        "Xvfb, xdotool, ImageMagick, dbus and gnome-keyring are needed: run tests/setup-deps.sh"
    );
    ok
}

#[test]
fn wizard_in_the_window_english_imap() {
    if !tools_present() {
        return;
    }
    run_wizard("en", 0, "Alice Example", &shots_dir(), false);
}

#[test]
fn wizard_in_the_window_japanese_pop3() {
    if !tools_present() {
        return;
    }
    run_wizard("ja", 1, "山田 花子", &shots_dir(), true);
}
