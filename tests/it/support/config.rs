//! Configuration files for Dovecot, Postfix and the non-root SMTP relay.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::Setup;

const SPECIAL: [(&str, &str); 5] = [
    ("Drafts", "\\Drafts"),
    ("Sent", "\\Sent"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
    ("Archive", "\\Archive"),
];

/// What a Courier-like server offers: no CONDSTORE, QRESYNC, MOVE, SPECIAL-USE, COMPRESS.
pub const FALLBACK_CAPS: &str = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT \
     THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED \
     I18NLEVEL=1 ESEARCH SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+";

/// Password files by `%{service}-%{secured}`. Dovecot treats loopback connections as secure
/// and allows plaintext logins on them, so the bed itself refuses every password that did
/// not come over TLS ("TLS"; Postfix SASL says "secured" and enforces TLS itself).
pub const PASSDB_FILES: [(&str, bool); 7] = [
    ("imap-TLS", true),
    ("pop3-TLS", true),
    ("submission-TLS", true),
    ("smtp-secured", true),
    ("imap-secured", false),
    ("pop3-secured", false),
    ("submission-secured", false),
];

/// Extra passwd-file fields for logins that did not come over TLS: refused, with a reason.
pub const NO_TLS_FIELDS: &str =
    "nologin=y reason=Plaintext-login-refused:-this-test-bed-requires-TLS-first";

pub fn dovecot(s: &Setup) -> String {
    let d = s.dir.display();
    let p = &s.ports;
    let (internal, login) = if s.root {
        ("dovecot", "dovenull")
    } else {
        (s.mail_user.as_str(), s.mail_user.as_str())
    };
    // Unprivileged: nothing can chroot or change user.
    let chroot = if s.root { "" } else { "  chroot =\n" };
    let mut c = format!(
        "instance_name = {instance}\n\
         base_dir = {d}/run\n\
         state_dir = {d}/state\n\
         log_path = {d}/dovecot.log\n\
         listen = 127.0.0.1\n\
         hostname = localhost\n\
         protocols = imap pop3 lmtp{submission}\n\
         ssl = required\n\
         ssl_cert = <{d}/server.crt\n\
         ssl_key = <{d}/server.key\n\
         auth_mechanisms = plain login{oauth_mechs}\n\
         disable_plaintext_auth = yes\n\
         auth_failure_delay = 0\n\
         auth_verbose = yes\n\
         mail_fsync = never\n\
         mail_location = maildir:~/Maildir\n\
         mail_plugins = $mail_plugins listescape\n\
         mail_max_userip_connections = 1000\n\
         postmaster_address = postmaster@example.test\n\
         default_internal_user = {internal}\n\
         default_internal_group = {group}\n\
         default_login_user = {login}\n\
         first_valid_uid = 1\n\
         first_valid_gid = 1\n\
         passdb {{\n  driver = passwd-file\n  \
         args = scheme=PLAIN username_format=%n {d}/passdb/%{{service}}-%{{secured}}\n  \
         default_fields = nodelay=yes\n{password_mechs}}}\n{oauth_passdb}\
         userdb {{\n  driver = passwd-file\n  args = username_format=%n {d}/users\n  \
         default_fields = uid={user} gid={group} home={d}/mail/%n\n}}\n",
        instance = s.instance,
        submission = if s.dovecot_submission() {
            " submission"
        } else {
            ""
        },
        user = s.mail_user,
        group = s.mail_group,
        oauth_mechs = match (s.opts.oauth2, s.opts.oauthbearer_only) {
            (false, _) => "",
            (true, false) => " xoauth2 oauthbearer\nauth_debug = yes",
            (true, true) => " oauthbearer\nauth_debug = yes",
        },
        password_mechs = if s.opts.oauth2 {
            "  mechanisms = plain login\n"
        } else {
            ""
        },
        oauth_passdb = if s.opts.oauth2 {
            format!(
                "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  \
                 args = {d}/dovecot-oauth2.conf.ext\n}}\n"
            )
        } else {
            String::new()
        },
    );
    c.push_str("namespace inbox {\n  inbox = yes\n");
    if s.opts.fallback {
        c.push_str("  prefix = INBOX.\n  separator = .\n");
    } else {
        c.push_str("  separator = /\n");
    }
    for (name, use_) in SPECIAL {
        c.push_str(&format!("  mailbox {name} {{\n    auto = subscribe\n"));
        if !s.opts.fallback {
            c.push_str(&format!("    special_use = {use_}\n"));
        }
        c.push_str("  }\n");
    }
    c.push_str("}\n");
    let mut imap_plugins = Vec::new();
    let mut imap_lines = Vec::new();
    if s.opts.rev1 {
        c.push_str("imap_capability = IMAP4rev1\n");
    } else if s.opts.fallback {
        let caps = if s.opts.no_uidplus {
            FALLBACK_CAPS.replace(" UIDPLUS", "")
        } else {
            FALLBACK_CAPS.to_string()
        };
        c.push_str(&format!("imap_capability = {caps}\n"));
    } else {
        imap_plugins.push("imap_zlib");
    }
    // Recipes in shared/TESTBED.md ("IMAP METADATA", "Quota").
    if s.opts.metadata {
        c.push_str("mail_attribute_dict = file:%h/dovecot-attributes\n");
        imap_lines.push("imap_metadata = yes".to_string());
    }
    if let Some(kib) = s.opts.quota_kib {
        c.push_str(&format!(
            "mail_plugins = $mail_plugins quota\n\
             plugin {{\n  quota = count:User quota\n  quota_rule = *:storage={kib}K\n  \
             quota_vsizes = yes\n}}\n"
        ));
        imap_plugins.push("imap_quota");
    }
    if !imap_plugins.is_empty() {
        imap_lines.push(format!(
            "mail_plugins = $mail_plugins {}",
            imap_plugins.join(" ")
        ));
    }
    if !imap_lines.is_empty() {
        c.push_str(&format!(
            "protocol imap {{\n  {}\n}}\n",
            imap_lines.join("\n  ")
        ));
    }
    c.push_str(&format!(
        "service imap-login {{\n{chroot}  inet_listener imap {{\n    port = {}\n  }}\n  \
         inet_listener imaps {{\n    port = {}\n    ssl = yes\n  }}\n}}\n\
         service pop3-login {{\n{chroot}  inet_listener pop3 {{\n    port = {}\n  }}\n  \
         inet_listener pop3s {{\n    port = {}\n    ssl = yes\n  }}\n}}\n\
         service lmtp {{\n  inet_listener lmtp {{\n    port = {}\n  }}\n}}\n\
         service anvil {{\n{chroot}  unix_listener anvil-auth-penalty {{\n    mode = 0\n  }}\n}}\n\
         service auth {{\n  unix_listener auth-client {{\n    mode = 0666\n  }}\n}}\n",
        p.imap, p.imaps, p.pop3, p.pop3s, p.lmtp
    ));
    if s.dovecot_submission() {
        c.push_str(&format!(
            "submission_relay_host = 127.0.0.1\n\
             submission_relay_port = {}\n\
             submission_relay_trusted = yes\n\
             submission_max_mail_size = 50M\n\
             service submission-login {{\n{chroot}  inet_listener submission {{\n    port = {}\n  }}\n  \
             inet_listener submissions {{\n    port = {}\n    ssl = yes\n  }}\n}}\n",
            p.relay, p.submission, p.submissions
        ));
    }
    c
}

/// Postfix main.cf: every recipient goes to Dovecot over LMTP; SASL through Dovecot.
pub fn postfix_main(s: &Setup) -> String {
    let d = s.dir.display();
    format!(
        "compatibility_level = 3.6\n\
         queue_directory = {d}/pf-queue\n\
         data_directory = {d}/pf-data\n\
         mail_owner = postfix\n\
         setgid_group = postdrop\n\
         maillog_file = {d}/postfix.log\n\
         maillog_file_prefixes = {d}\n\
         myhostname = mail.example.test\n\
         mydomain = example.test\n\
         myorigin = example.test\n\
         inet_interfaces = 127.0.0.1\n\
         inet_protocols = ipv4\n\
         mynetworks = 127.0.0.0/8\n\
         mydestination =\n\
         relay_domains =\n\
         local_recipient_maps =\n\
         alias_maps =\n\
         alias_database =\n\
         local_transport = error:no local delivery\n\
         default_transport = lmtp:inet:127.0.0.1:{lmtp}\n\
         relay_transport = lmtp:inet:127.0.0.1:{lmtp}\n\
         smtpd_tls_cert_file = {d}/server.crt\n\
         smtpd_tls_key_file = {d}/server.key\n\
         smtpd_tls_security_level = may\n\
         smtp_tls_security_level = none\n\
         lmtp_tls_security_level = none\n\
         smtpd_sasl_type = dovecot\n\
         smtpd_sasl_path = {d}/run/auth-client\n\
         smtpd_sasl_auth_enable = no\n\
         smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated reject\n\
         smtpd_banner = $myhostname ESMTP\n\
         message_size_limit = 52428800\n\
         biff = no\n\
         in_flow_delay = 0\n\
         smtpd_error_sleep_time = 0\n\
         queue_run_delay = 1s\n\
         minimal_backoff_time = 1s\n\
         maximal_backoff_time = 2s\n\
         delay_warning_time = 0\n\
         ",
        lmtp = s.ports.lmtp
    )
}

/// Postfix master.cf: submission (STARTTLS required before AUTH) and submissions (implicit
/// TLS); both require SASL. Nothing chrooted, no pickup (nothing uses sendmail).
pub fn postfix_master(s: &Setup) -> String {
    let auth = "  -o smtpd_sasl_auth_enable=yes\n  \
                -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n  \
                -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n";
    format!(
        "127.0.0.1:{sub} inet n - n - - smtpd\n  -o syslog_name=postfix/submission\n  \
         -o smtpd_tls_security_level=encrypt\n  -o smtpd_tls_auth_only=yes\n{auth}\
         127.0.0.1:{subs} inet n - n - - smtpd\n  -o syslog_name=postfix/submissions\n  \
         -o smtpd_tls_wrappermode=yes\n{auth}\
         cleanup unix n - n - 0 cleanup\n\
         qmgr unix n - n 300 1 qmgr\n\
         tlsmgr unix - - n 1000? 1 tlsmgr\n\
         rewrite unix - - n - - trivial-rewrite\n\
         bounce unix - - n - 0 bounce\n\
         defer unix - - n - 0 bounce\n\
         trace unix - - n - 0 bounce\n\
         verify unix - - n - 1 verify\n\
         flush unix n - n 1000? 0 flush\n\
         proxymap unix - - n - - proxymap\n\
         proxywrite unix - - n - 1 proxymap\n\
         smtp unix - - n - - smtp\n\
         relay unix - - n - - smtp\n\
         showq unix n - n - - showq\n\
         error unix - - n - - error\n\
         retry unix - - n - - error\n\
         discard unix - - n - - discard\n\
         lmtp unix - - n - - lmtp\n\
         anvil unix - - n - 1 anvil\n\
         scache unix - - n - 1 scache\n\
         postlog unix-dgram n - n - 1 postlogd\n",
        sub = s.ports.submission,
        subs = s.ports.submissions,
    )
}

/// The SMTP relay behind Dovecot's submission service when Postfix cannot run (not root):
/// hands each message to Dovecot LMTP. Args: listen port, LMTP port.
pub const RELAY_PY: &str = r#"
import signal, smtplib, sys
from aiosmtpd.controller import Controller

port, lmtp = int(sys.argv[1]), int(sys.argv[2])

class Handler:
    async def handle_DATA(self, server, session, envelope):
        # One LMTP transaction per recipient: smtplib.LMTP does not read the
        # per-recipient replies after DATA.
        failed = []
        for rcpt in envelope.rcpt_tos:
            try:
                with smtplib.LMTP("127.0.0.1", lmtp) as l:
                    l.sendmail(envelope.mail_from, [rcpt],
                               envelope.original_content or envelope.content)
            except Exception as e:
                failed.append("%s: %s" % (rcpt, e))
        if len(failed) == len(envelope.rcpt_tos):
            return "451 LMTP delivery failed: %s" % "; ".join(failed)
        return "250 OK" + (" (failed: %s)" % "; ".join(failed) if failed else "")

c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
signal.pause()
"#;

/// (uid, gid) of a system user, from /etc/passwd.
pub fn passwd_ids(name: &str) -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && f[0] == name)
        .map(|f| (f[2].parse().unwrap(), f[3].parse().unwrap()))
        .unwrap_or_else(|| panic!("no user {name}: run tests/setup-deps.sh"))
}

/// gid of a system group, from /etc/group.
pub fn group_id(name: &str) -> u32 {
    let groups = std::fs::read_to_string("/etc/group").unwrap();
    groups
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[0] == name)
        .map(|f| f[2].parse().unwrap())
        .unwrap_or_else(|| panic!("no group {name}: run tests/setup-deps.sh"))
}

/// Postfix's queue and data directories with the owners `postfix check` expects.
pub fn make_postfix_dirs(s: &Setup) {
    let (pf_uid, pf_gid) = passwd_ids("postfix");
    let postdrop = group_id("postdrop");
    let q = s.dir.join("pf-queue");
    let mk = |p: &Path, uid: u32, gid: u32, mode: u32| {
        std::fs::create_dir_all(p).unwrap();
        std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mk(&q, 0, 0, 0o755);
    mk(&q.join("pid"), 0, 0, 0o755);
    for sub in [
        "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private",
        "saved", "trace",
    ] {
        mk(&q.join(sub), pf_uid, pf_gid, 0o700);
    }
    mk(&q.join("maildrop"), pf_uid, postdrop, 0o730);
    mk(&q.join("public"), pf_uid, postdrop, 0o710);
    mk(&s.dir.join("pf-data"), pf_uid, pf_gid, 0o700);
}
