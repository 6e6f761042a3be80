//! Cyrus IMAP 3.6 for the compatibility suite: `cyrmaster` in the foreground with its own
//! imapd.conf and cyrus.conf (imap, imaps, pop3, pop3s), users in a sasldb made with
//! saslpasswd2, INBOX and the special folders created at the first login. Cyrus logs only to
//! syslog, so its start is checked by its ports.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use super::compat::{LOGIN, Launch, PASSWORD};
use super::process::Proc;

pub fn launch(l: &Launch) -> Vec<Proc> {
    let d = l.dir.display();
    let bin = l.pkgs.join("usr/lib/cyrus/bin");
    let bin = bin.display();
    for sub in [
        "conf",
        "conf/db",
        "conf/socket",
        "conf/proc",
        "spool",
        "run",
    ] {
        std::fs::create_dir_all(l.dir.join(sub)).unwrap();
    }
    let conf = format!(
        "configdirectory: {d}/conf\n\
         defaultpartition: default\n\
         partition-default: {d}/spool\n\
         servername: localhost\n\
         cyrus_user: {user}\n\
         sasl_pwcheck_method: auxprop\n\
         sasl_auxprop_plugin: sasldb\n\
         sasl_sasldb_path: {d}/sasldb2\n\
         sasl_mech_list: PLAIN LOGIN\n\
         allowplaintext: no\n\
         unixhierarchysep: yes\n\
         altnamespace: yes\n\
         autocreate_post: yes\n\
         autocreate_quota: 0\n\
         autocreate_inbox_folders: Drafts|Sent|Trash|Junk|Archive\n\
         autocreate_subscribe_folders: Drafts|Sent|Trash|Junk|Archive\n\
         specialusealways: yes\n\
         xlist-drafts: Drafts\n\
         xlist-sent: Sent\n\
         xlist-trash: Trash\n\
         xlist-junk: Junk\n\
         xlist-archive: Archive\n\
         tls_server_cert: {d}/server.crt\n\
         tls_server_key: {d}/server.key\n\
         imapidlepoll: 1\n\
         syslog_prefix: tayori-cyrus\n\
         lmtpsocket: {d}/run/lmtp\n\
         idlesocket: {d}/run/idle\n\
         notifysocket: {d}/run/notify\n",
        user = l.user,
    );
    std::fs::write(l.dir.join("imapd.conf"), conf).unwrap();
    let c = format!("-C {d}/imapd.conf");
    let p = l.ports;
    let services = format!(
        "START {{\n  recover cmd=\"{bin}/ctl_cyrusdb {c} -r\"\n}}\n\
         SERVICES {{\n\
         \x20 imap cmd=\"{bin}/imapd {c}\" listen=\"127.0.0.1:{}\" prefork=0\n\
         \x20 imaps cmd=\"{bin}/imapd -s {c}\" listen=\"127.0.0.1:{}\" prefork=0\n\
         \x20 pop3 cmd=\"{bin}/pop3d {c}\" listen=\"127.0.0.1:{}\" prefork=0\n\
         \x20 pop3s cmd=\"{bin}/pop3d -s {c}\" listen=\"127.0.0.1:{}\" prefork=0\n\
         }}\nEVENTS {{\n}}\n",
        p.imap, p.imaps, p.pop3, p.pop3s
    );
    std::fs::write(l.dir.join("cyrus.conf"), services).unwrap();
    // The user's password, in the realm Cyrus uses (its servername).
    if !l.dir.join("sasldb2").exists() {
        let made = Command::new("sh")
            .arg("-c")
            .arg("printf %s \"$1\" | \"$2\" -p -c -u localhost -f \"$3\" \"$4\"")
            .arg("sh")
            .arg(PASSWORD)
            .arg(l.pkgs.join("usr/sbin/saslpasswd2"))
            .arg(l.dir.join("sasldb2"))
            .arg(LOGIN)
            .env("LD_LIBRARY_PATH", l.lib_path())
            .status()
            .unwrap();
        assert!(made.success(), "saslpasswd2 failed");
    }
    if l.root {
        chown_tree(l.dir, l.uid, l.gid);
    }
    vec![Proc::spawn(
        "cyrmaster",
        Command::new(l.pkgs.join("usr/sbin/cyrmaster"))
            .env("LD_LIBRARY_PATH", l.lib_path())
            .arg("-C")
            .arg(l.dir.join("imapd.conf"))
            .arg("-M")
            .arg(l.dir.join("cyrus.conf"))
            .arg("-p")
            .arg(l.dir.join("run/master.pid"))
            .arg("-D"),
        true,
        &l.dir.join("server.stderr"),
        Some(l.dir),
    )]
}

/// Everything under `dir` to the mail user (Cyrus drops root for it).
pub fn chown_tree(dir: &std::path::Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(dir, Some(uid), Some(gid)).unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            chown_tree(&p, uid, gid);
        } else {
            std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        }
    }
}
