//! New-mail notifications over a real D-Bus session bus (a private dbus-daemon) to a
//! notification service that records what it receives. One test: it sets the process's
//! DBUS_SESSION_BUS_ADDRESS.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tayori::notify::{ICON_NAME, NewMail, Notifier, Shown};

type Received = (String, String, String, String, Vec<String>);

struct Recorder {
    tx: mpsc::Sender<Received>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Recorder {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut hints: Vec<String> = hints.into_keys().collect();
        hints.sort();
        let _ = self.tx.send((app_name, app_icon, summary, body, hints));
        7
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("recorder".into(), "tayori".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

#[test]
fn new_mail_reaches_the_notification_service_and_failures_are_not_fatal() {
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (package dbus) is needed");
    let mut addr = String::new();
    BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut addr)
        .unwrap();
    let addr = addr.trim().to_string();
    // SAFETY: the only test in this binary; set before any other thread reads the environment.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &addr) };

    let (tx, rx) = mpsc::channel();
    let service = zbus::blocking::connection::Builder::address(addr.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at("/org/freedesktop/Notifications", Recorder { tx })
        .unwrap()
        .build()
        .unwrap();

    let notifier = Notifier::new(true);
    let mail = NewMail {
        title: "2 new messages in Work".into(),
        body: "山田 太郎: 会議の件".into(),
    };
    let t0 = Instant::now();
    assert_eq!(notifier.show(&mail).unwrap(), Shown::Shown);
    let took = t0.elapsed();
    let (app, icon, summary, body, hints) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(app, "Tayori");
    assert_eq!(icon, ICON_NAME);
    assert_eq!(summary, mail.title);
    assert_eq!(body, mail.body);
    assert!(hints.contains(&"category".to_string()), "{hints:?}");
    assert!(hints.contains(&"desktop-entry".to_string()), "{hints:?}");
    eprintln!("notification delivered in {took:?}");

    // Turned off (the setting): nothing reaches the service.
    notifier.set_enabled(false);
    assert_eq!(notifier.show(&mail).unwrap(), Shown::Disabled);
    notifier.show_in_background(mail.clone());
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err());

    // On again, in the background, as the engine will call it.
    notifier.set_enabled(true);
    notifier.show_in_background(mail.clone());
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap().2,
        mail.title
    );

    // No notification service on the bus: an error to log, never a panic or a hang.
    drop(service);
    let t0 = Instant::now();
    assert!(notifier.show(&mail).is_err());
    notifier.show_in_background(mail.clone());
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());

    // No session bus at all.
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    assert!(notifier.show(&mail).is_err());
}
