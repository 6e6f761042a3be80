//! POP3 framing: status lines and dot-stuffed multi-line bodies. Pure parsing plus two
//! small readers with timeouts.
use super::{Pop3Error, Result};
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// A status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Ok(String),
    Err(String),
    /// "+ ..." during SASL.
    Continue(String),
}

pub fn parse_status(line: &[u8]) -> Result<Response> {
    let s = String::from_utf8_lossy(line);
    let s = s.trim_end_matches(['\r', '\n']);
    if let Some(rest) = s.strip_prefix("+OK") {
        Ok(Response::Ok(rest.trim().to_string()))
    } else if let Some(rest) = s.strip_prefix("-ERR") {
        Ok(Response::Err(rest.trim().to_string()))
    } else if let Some(rest) = s.strip_prefix('+') {
        Ok(Response::Continue(rest.trim().to_string()))
    } else {
        Err(Pop3Error::Protocol(format!(
            "unexpected answer: {}",
            s.chars().take(100).collect::<String>()
        )))
    }
}

/// One line of a UIDL listing: "N unique-id".
pub fn parse_uidl_line(line: &str) -> Result<(u32, String)> {
    let mut w = line.split_whitespace();
    match (w.next().and_then(|n| n.parse().ok()), w.next()) {
        (Some(n), Some(uid)) => Ok((n, uid.to_string())),
        _ => Err(Pop3Error::Protocol(format!("bad UIDL line: {line}"))),
    }
}

/// Reads one line (with its line end). EOF is a lost connection.
pub async fn read_line<R: AsyncBufRead + Unpin>(r: &mut R, timeout: Duration) -> Result<Vec<u8>> {
    let mut line = Vec::new();
    match tokio::time::timeout(timeout, r.read_until(b'\n', &mut line)).await {
        Err(_) => Err(Pop3Error::Timeout),
        Ok(Err(e)) => Err(e.into()),
        Ok(Ok(0)) => Err(Pop3Error::ConnectionLost),
        Ok(Ok(_)) if !line.ends_with(b"\n") => Err(Pop3Error::ConnectionLost),
        Ok(Ok(_)) => Ok(line),
    }
}

/// Reads a multi-line body up to the "." line; undoes dot-stuffing; line ends become CRLF.
pub async fn read_multiline<R: AsyncBufRead + Unpin>(
    r: &mut R,
    timeout: Duration,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = read_line(r, timeout).await?;
        let content = line
            .strip_suffix(b"\r\n")
            .or_else(|| line.strip_suffix(b"\n"))
            .unwrap_or(&line);
        if content == b"." {
            return Ok(out);
        }
        let content = content.strip_prefix(b".").unwrap_or(content);
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn multiline_unstuffs_and_stops_at_dot() {
        let data: &[u8] = b"Subject: x\r\n\r\n..hidden dot\r\nplain\n.\r\n+OK next\r\n";
        let mut r = tokio::io::BufReader::new(data);
        let body = read_multiline(&mut r, Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(body, b"Subject: x\r\n\r\n.hidden dot\r\nplain\r\n");
        let next = read_line(&mut r, Duration::from_secs(1)).await.unwrap();
        assert_eq!(parse_status(&next).unwrap(), Response::Ok("next".into()));
    }

    #[tokio::test]
    async fn truncated_body_is_a_lost_connection() {
        let data: &[u8] = b"Subject: x\r\n\r\nhalf a li";
        let mut r = tokio::io::BufReader::new(data);
        assert!(matches!(
            read_multiline(&mut r, Duration::from_secs(1)).await,
            Err(Pop3Error::ConnectionLost)
        ));
    }

    #[test]
    fn status_and_uidl_lines() {
        assert_eq!(
            parse_status(b"-ERR [AUTH] Authentication failed.\r\n").unwrap(),
            Response::Err("[AUTH] Authentication failed.".into())
        );
        assert_eq!(
            parse_status(b"+ \r\n").unwrap(),
            Response::Continue("".into())
        );
        assert!(parse_status(b"* OK imap").is_err());
        assert_eq!(
            parse_uidl_line("3 000000017d2f4c1a").unwrap(),
            (3, "000000017d2f4c1a".into())
        );
        assert!(parse_uidl_line("x").is_err());
    }
}
