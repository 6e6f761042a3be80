//! What the outbox tells about an unsent message: whether a server answered at all. The
//! outbox keeps the last attempt's error as text (the `SmtpError` it came from); a network
//! failure means no server said anything ("not sent yet: cannot reach the server"), while a
//! deferral, a refusal or a failed login carries the server's own words.
use crate::protocol::smtp::SmtpError;

/// Why a message in the outbox is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsentReason {
    /// The server could not be reached (or did not answer): no server words exist.
    Unreachable,
    /// The server answered: its words.
    ServerSaid(String),
    /// Something else (TLS, a missing STARTTLS, an ambiguous cut): the sentence as it is.
    Other(String),
}

/// Classifies an outbox error (the `Display` of an [`SmtpError`]).
pub fn unsent_reason(error: &str) -> UnsentReason {
    let prefix = |e: SmtpError| {
        let s = e.to_string();
        s.trim_end_matches('x').to_string()
    };
    let unreachable = [
        prefix(SmtpError::Network("x".into())),
        prefix(SmtpError::Timeout),
        "cannot reach ".to_string(),
    ];
    if unreachable.iter().any(|p| error.starts_with(p.as_str())) {
        return UnsentReason::Unreachable;
    }
    for p in [
        prefix(SmtpError::Deferred("x".into())),
        prefix(SmtpError::Rejected("x".into())),
        prefix(SmtpError::Auth("x".into())),
    ] {
        if let Some(words) = error.strip_prefix(p.as_str()) {
            return UnsentReason::ServerSaid(words.to_string());
        }
    }
    UnsentReason::Other(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_failure_is_not_a_server_answer() {
        let e = SmtpError::Connect {
            host: "smtp.example.test".into(),
            port: 587,
            reason: "Connection refused (os error 111)".into(),
        };
        assert_eq!(unsent_reason(&e.to_string()), UnsentReason::Unreachable);
        assert_eq!(
            unsent_reason(&SmtpError::Network("reset".into()).to_string()),
            UnsentReason::Unreachable
        );
        assert_eq!(
            unsent_reason(&SmtpError::Timeout.to_string()),
            UnsentReason::Unreachable
        );
        assert_eq!(
            unsent_reason(&SmtpError::Deferred("451 4.3.0 try later".into()).to_string()),
            UnsentReason::ServerSaid("451 4.3.0 try later".into())
        );
        assert_eq!(
            unsent_reason(&SmtpError::Rejected("550 no such user".into()).to_string()),
            UnsentReason::ServerSaid("550 no such user".into())
        );
        let tls = SmtpError::NoStartTls { host: "h".into() }.to_string();
        assert_eq!(unsent_reason(&tls), UnsentReason::Other(tls.clone()));
    }
}
