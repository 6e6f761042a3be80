//! Courier-IMAP 5 for the compatibility suite: four `couriertcpd` listeners (imaplogin +
//! imapd with STARTTLS, the same behind couriertls for IMAPS, courierpop3login +
//! courierpop3d with STLS and behind couriertls), configured by environment as Debian's
//! init scripts do.
//!
//! Courier's login programs look passwords up through authlib's authdaemon socket, whose
//! path is compiled in (/run/courier/...), and drop privileges to a `courier` user. So the
//! servers run in their own mount and PID namespaces (`unshare -m -p`, root only): a tmpfs
//! over /run holds the socket, /etc/passwd and /etc/group are bind-mounted copies with a
//! `courier` user added, and killing the process group ends the namespace and every
//! process in it. The authdaemon itself is a small script answering authlib's protocol
//! from the server's user file (authdaemond loads its modules from a compiled-in folder the
//! unpacked package cannot provide), and gamin's gam_server sits in a tmpfs over /usr/libexec
//! (its compiled-in place; without it each mailbox scan waits 1.2 s); everything that speaks IMAP or POP3 is Courier's.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use super::compat::{LOGIN, Launch, PASSWORD};
use super::process::Proc;

/// authlib's authdaemon protocol: optional `NAME=value` lines, then `AUTH <len>\n` with
/// `service\nlogin\nuser\npassword\n`, or `PRE . service user`; the answer is `KEY=value`
/// lines ending with `.`, or `FAIL`.
const AUTHDAEMON_PY: &str = r#"
import os, socket, sys, threading
sock_path, users_file = sys.argv[1], sys.argv[2]
def users():
    out = {}
    for line in open(users_file):
        f = line.rstrip("\n").split(":")
        if len(f) >= 5:
            out[f[0]] = f
    return out
def reply(f):
    name, pw, uid, gid, home = f[:5]
    return (f"UID={uid}\nGID={gid}\nHOME={home}\nADDRESS={name}\n"
            f"MAILDIR={home}/Maildir\n.\n").encode()
def handle(c):
    data = b""
    try:
        while True:
            while b"\n" not in data:
                d = c.recv(4096)
                if not d:
                    return
                data += d
            head, rest = data.split(b"\n", 1)
            if head.startswith((b"AUTH ", b"PRE ")):
                break
            data = rest
        parts = head.decode().split(" ")
        if parts[0] == "AUTH":
            n = int(parts[1])
            while len(rest) < n:
                d = c.recv(4096)
                if not d:
                    break
                rest += d
            lines = rest.decode(errors="replace").split("\n")
            u = users().get(lines[2]) if lines[1] == "login" and len(lines) > 3 else None
            c.sendall(reply(u) if u and u[1] == lines[3] else b"FAIL\n")
        else:
            u = users().get(parts[3]) if len(parts) > 3 else None
            c.sendall(reply(u) if u else b"FAIL\n")
    finally:
        c.close()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sock_path)
os.chmod(sock_path, 0o777)
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
"#;

const CAPS: &str = "IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT \
                    THREAD=REFERENCES SORT QUOTA IDLE";

/// `login_only`: AUTH=LOGIN instead of AUTH=PLAIN after TLS (docomo's capabilities).
pub fn launch(l: &Launch, login_only: bool) -> Vec<Proc> {
    assert!(
        l.root,
        "Courier needs root here (mount and PID namespaces for its compiled-in paths)"
    );
    let dir = l.dir;
    let d = dir.display();
    let home = dir.join("mail").join(LOGIN);
    let md = home.join("Maildir");
    for f in ["", ".Drafts", ".Sent", ".Trash", ".Junk", ".Archive"] {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(md.join(f).join(sub)).unwrap();
        }
        if !f.is_empty() {
            std::fs::write(md.join(f).join("maildirfolder"), "").unwrap();
        }
    }
    std::fs::write(
        md.join("courierimapsubscribed"),
        "INBOX.Drafts\nINBOX.Sent\nINBOX.Trash\nINBOX.Junk\nINBOX.Archive\n",
    )
    .unwrap();
    super::compat_cyrus::chown_tree(&dir.join("mail"), l.uid, l.gid);
    std::fs::write(
        dir.join("users"),
        format!(
            "{LOGIN}:{PASSWORD}:{}:{}:{}\n",
            l.uid,
            l.gid,
            home.display()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("authdaemon.py"), AUTHDAEMON_PY).unwrap();
    // couriertls reads key and certificate from one file, after dropping to `courier`.
    let pem = [
        std::fs::read(dir.join("server.key")).unwrap(),
        std::fs::read(dir.join("server.crt")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("server.pem"), pem).unwrap();
    std::os::unix::fs::chown(dir.join("server.pem"), Some(l.uid), Some(l.gid)).unwrap();
    let r = l.pkgs.display();
    let p = l.ports;
    let script = format!(
        "set -e\n\
         mount -t tmpfs tmpfs /run\n\
         mount -t tmpfs tmpfs /usr/libexec\n\
         cp {r}/usr/libexec/gam_server /usr/libexec/\n\
         mkdir -p /run/courier/autthdaemon /run/courier/authdaemon\n\
         (cat /etc/passwd; echo 'courier:x:{uid}:{gid}:courier:/nonexistent:/usr/sbin/nologin') > {d}/passwd\n\
         (cat /etc/group; echo 'courier:x:{gid}:') > {d}/group\n\
         mount --bind {d}/passwd /etc/passwd\n\
         mount --bind {d}/group /etc/group\n\
         python3 {d}/authdaemon.py /run/courier/autthdaemon/socket {d}/users &\n\
         ln -s /run/courier/autthdaemon/socket /run/courier/authdaemon/socket\n\
         while [ ! -S /run/courier/autthdaemon/socket ]; do sleep 0.02; done\n\
         export LD_LIBRARY_PATH={lib}\n\
         export IMAP_CAPABILITY='{CAPS}'\n\
         export IMAP_CAPABILITY_TLS='{CAPS} {auth}'{debug}\n\
         export IMAP_KEYWORDS=1 IMAP_ACL=1 IMAP_IDLE_TIMEOUT=5 IMAP_ENHANCEDIDLE=0\n\
         export IMAP_TRASHFOLDERNAME=Trash IMAP_EMPTYTRASH= IMAP_MOVE_EXPUNGE_TO_TRASH=0\n\
         export IMAP_USELOCKS=1 IMAP_UMASK=022 IMAP_ULIMITD=131072\n\
         export COURIERTLS={r}/usr/bin/couriertls TLS_CERTFILE={d}/server.pem\n\
         export TLS_VERIFYPEER=NONE TLS_PROTOCOL=TLS1_2:\n\
         export IMAP_TLS_REQUIRED=1 POP3_TLS_REQUIRED=1\n\
         export POP3AUTH='' POP3AUTH_TLS='LOGIN PLAIN'\n\
         T='{r}/usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup -maxprocs=100 -maxperip=100'\n\
         IL='{r}/usr/lib/courier/courier/imaplogin {r}/usr/bin/imapd Maildir'\n\
         PL='{r}/usr/lib/courier/courier/courierpop3login {r}/usr/lib/courier/courier/courierpop3d Maildir'\n\
         TLS='{r}/usr/bin/couriertls -server -tcpd'\n\
         IMAP_STARTTLS=YES $T {imap} $IL &\n\
         IMAP_TLS=1 IMAP_STARTTLS=NO IMAP_TLS_REQUIRED=0 $T {imaps} $TLS $IL &\n\
         POP3_STARTTLS=YES $T {pop3} $PL &\n\
         POP3_TLS=1 POP3_STARTTLS=NO POP3_TLS_REQUIRED=0 $T {pop3s} $TLS $PL &\n\
         wait\n",
        uid = l.uid,
        gid = l.gid,
        lib = l.lib_path(),
        auth = if login_only {
            "AUTH=LOGIN"
        } else {
            "AUTH=PLAIN"
        },
        // The login attempts in server.stderr, with the command used (LOGIN, AUTHENTICATE).
        debug = if login_only { " DEBUG_LOGIN=1" } else { "" },
        imap = p.imap,
        imaps = p.imaps,
        pop3 = p.pop3,
        pop3s = p.pop3s,
    );
    std::fs::write(dir.join("start.sh"), script).unwrap();
    vec![Proc::spawn(
        "courier",
        Command::new("unshare")
            .args([
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--propagation",
                "private",
                "sh",
            ])
            .arg(dir.join("start.sh")),
        true,
        &dir.join("server.stderr"),
        Some(dir),
    )]
}
