//! RFC 6186 / RFC 8314 SRV records.
use super::{Found, Resolver, ServerSetting, SrvRecord, UsernameForm};
use crate::model::Security;
use std::time::Duration;

/// Services in order of preference within each kind (implicit TLS first, RFC 8314).
const SERVICES: [(&str, &str, Security); 6] = [
    ("imap", "_imaps._tcp", Security::Tls),
    ("imap", "_imap._tcp", Security::Starttls),
    ("pop3", "_pop3s._tcp", Security::Tls),
    ("pop3", "_pop3._tcp", Security::Starttls),
    ("smtp", "_submissions._tcp", Security::Tls),
    ("smtp", "_submission._tcp", Security::Starttls),
];

/// Records sorted by priority, then higher weight first; "." targets (not offered) dropped.
pub fn usable(mut recs: Vec<SrvRecord>) -> Vec<SrvRecord> {
    recs.retain(|r| !r.target.is_empty() && r.target != "." && r.port != 0);
    recs.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.weight.cmp(&a.weight)));
    recs
}

pub(crate) async fn lookup(resolver: &dyn Resolver, domain: &str, timeout: Duration) -> Found {
    let names: Vec<String> = SERVICES
        .iter()
        .map(|(_, s, _)| format!("{s}.{domain}"))
        .collect();
    let answers = futures::future::join_all(
        names
            .iter()
            .map(|n| tokio::time::timeout(timeout, resolver.srv(n))),
    )
    .await;
    let mut found = Found::default();
    for ((kind, _, security), answer) in SERVICES.iter().zip(answers) {
        let Ok(Ok(recs)) = answer else { continue };
        for r in usable(recs) {
            let s = ServerSetting {
                host: r.target.trim_end_matches('.').to_string(),
                port: r.port,
                security: *security,
                username: UsernameForm::Email,
                guessed: false,
            };
            match *kind {
                "imap" => found.imap.push(s),
                "pop3" => found.pop3.push(s),
                _ => found.smtp.push(s),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(p: u16, w: u16, t: &str) -> SrvRecord {
        SrvRecord {
            priority: p,
            weight: w,
            port: 993,
            target: t.into(),
        }
    }

    #[test]
    fn order_and_not_offered() {
        let r = usable(vec![
            rec(10, 0, "b"),
            rec(0, 5, "a"),
            rec(0, 1, "c"),
            rec(0, 0, "."),
        ]);
        let t: Vec<&str> = r.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(t, ["a", "c", "b"]);
    }
}
