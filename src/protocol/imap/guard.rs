//! The byte stream under async-imap, guarded: an inactivity timeout on every read and write
//! (so a silent server ends a command instead of hanging it), a cap on the length of a
//! response line and on the size of a literal (so an endless line or a `{999999999999}` is
//! refused before memory grows), and the one place a credential is written (so it never
//! passes through async-imap, which traces every command it sends).
//!
//! Lines are handed upward only when complete (literals pass straight through): async-imap
//! reparses its whole buffer on every read, so feeding it a long line 4 KiB at a time would
//! cost time quadratic in the line's length.
//!
//! Limits come from the environment: `TAYORI_IMAP_TIMEOUT_SECS` (default 60),
//! `TAYORI_IMAP_MAX_LINE_KB` (default 16384) and `TAYORI_IMAP_MAX_LITERAL_MB` (default 256).
use crate::protocol::net::Io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

const DEFAULT_TIMEOUT_SECS: u64 = 60;
const DEFAULT_MAX_LINE_KB: usize = 16 * 1024;
const DEFAULT_MAX_LITERAL_MB: u64 = 256;

/// What the guard refused, worded for the person reading it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GuardError {
    #[error(
        "the server stopped answering (nothing for {secs} s; TAYORI_IMAP_TIMEOUT_SECS changes this)"
    )]
    Silent { secs: u64 },
    #[error(
        "the server sent a line longer than {limit_kb} KiB; refusing it (TAYORI_IMAP_MAX_LINE_KB changes this)"
    )]
    LineTooLong { limit_kb: usize },
    #[error(
        "the server announced an item of {size} bytes, over the {limit_mb} MiB limit; refusing it (TAYORI_IMAP_MAX_LITERAL_MB changes this)"
    )]
    LiteralTooLarge { size: String, limit_mb: u64 },
}

impl GuardError {
    fn into_io(self) -> std::io::Error {
        let kind = match self {
            GuardError::Silent { .. } => std::io::ErrorKind::TimedOut,
            _ => std::io::ErrorKind::InvalidData,
        };
        std::io::Error::new(kind, self)
    }

    /// The guard's refusal inside an I/O error, if that is what it is.
    pub fn from_io(e: &std::io::Error) -> Option<GuardError> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<GuardError>())
            .cloned()
    }
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    max_line: usize,
    max_literal_mb: u64,
}

fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

impl Limits {
    fn from_env() -> Limits {
        Limits {
            max_line: env_num("TAYORI_IMAP_MAX_LINE_KB")
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| *k > 0)
                .unwrap_or(DEFAULT_MAX_LINE_KB)
                .saturating_mul(1024),
            max_literal_mb: env_num("TAYORI_IMAP_MAX_LITERAL_MB")
                .filter(|m| *m > 0)
                .unwrap_or(DEFAULT_MAX_LITERAL_MB),
        }
    }
}

/// The inactivity timeout of a connection (env `TAYORI_IMAP_TIMEOUT_SECS`, default 60 s).
pub fn timeout_from_env() -> Duration {
    Duration::from_secs(
        env_num("TAYORI_IMAP_TIMEOUT_SECS")
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_TIMEOUT_SECS),
    )
}

/// Shared by every guarded layer of one connection (plain TCP before STARTTLS, TLS,
/// deflate): the timeout (0 while IDLE waits), which layer reads IMAP (the top one; the
/// ones below carry TLS or deflate bytes), and a credential waiting to be written.
#[derive(Debug, Default)]
pub struct GuardCtl {
    timeout_ms: AtomicU64,
    normal_ms: AtomicU64,
    top: AtomicU32,
    secret: Mutex<Option<Secret>>,
}

/// A stand-in handed to async-imap and the bytes the top layer writes in its place.
struct Secret {
    placeholder: Vec<u8>,
    real: Vec<u8>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl GuardCtl {
    pub fn new(timeout: Duration) -> Arc<GuardCtl> {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        Arc::new(GuardCtl {
            timeout_ms: AtomicU64::new(ms),
            normal_ms: AtomicU64::new(ms),
            ..Default::default()
        })
    }

    /// Lifts the timeout (IDLE waits for minutes on purpose) or puts it back.
    pub fn idle(&self, idling: bool) {
        let ms = if idling {
            0
        } else {
            self.normal_ms.load(Ordering::Relaxed)
        };
        self.timeout_ms.store(ms, Ordering::Relaxed);
    }

    /// Wraps `inner` as the new top layer (the one that reads IMAP).
    pub fn wrap<S: Io + 'static>(self: &Arc<Self>, inner: S) -> Guarded<S> {
        let layer = self.top.fetch_add(1, Ordering::Relaxed) + 1;
        Guarded {
            inner,
            ctl: Arc::clone(self),
            layer,
            limits: Limits::from_env(),
            timer: None,
            wtimer: None,
            held: Vec::new(),
            below: Vec::new(),
            below_at: 0,
            below_len: 0,
            ready: Vec::new(),
            ready_at: 0,
            literal_left: 0,
            scanned: 0,
            writing: None,
        }
    }

    /// Stops the current top layer reading IMAP: TLS is about to run over it.
    pub fn retire(&self) {
        self.top.fetch_add(1, Ordering::Relaxed);
    }

    /// Arms a credential: async-imap is handed `placeholder` and the top layer writes `real`
    /// where it appears. Returns the placeholder: 48 letters and digits, so it is also its
    /// own base64 (AUTH PLAIN sends it encoded).
    pub fn arm_secret(&self, real: Vec<u8>) -> Vec<u8> {
        let placeholder = format!("TAYORIREDACTED{}AA", uuid::Uuid::new_v4().simple()).into_bytes();
        if let Ok(mut s) = self.secret.lock() {
            *s = Some(Secret {
                placeholder: placeholder.clone(),
                real,
            });
        }
        placeholder
    }

    /// Forgets an armed credential that was not written (the login failed first).
    pub fn disarm(&self) {
        if let Ok(mut s) = self.secret.lock() {
            *s = None;
        }
    }

    fn timeout(&self) -> Option<Duration> {
        match self.timeout_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }
}

/// One guarded layer. See the module documentation.
#[derive(Debug)]
pub struct Guarded<S> {
    inner: S,
    ctl: Arc<GuardCtl>,
    layer: u32,
    limits: Limits,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    wtimer: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The start of a line whose end has not arrived.
    held: Vec<u8>,
    /// A layer under TLS: what was read and not handed up yet (`below_at..below_len`).
    below: Vec<u8>,
    below_at: usize,
    below_len: usize,
    /// Bytes cleared to go up.
    ready: Vec<u8>,
    ready_at: usize,
    /// Bytes of a literal still to pass through unexamined.
    literal_left: u64,
    /// How much of `held` has been searched for a line end.
    scanned: usize,
    /// A write with a credential substituted: the bytes, how many went out, and the length
    /// of the caller's buffer to report when done.
    writing: Option<(Vec<u8>, usize, usize)>,
}

/// Polls an inactivity timer: Ready(error) when it ran out.
fn poll_timer(
    timer: &mut Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Option<Duration>,
    cx: &mut Context<'_>,
) -> Poll<std::io::Error> {
    let Some(t) = timeout else {
        *timer = None;
        return Poll::Pending;
    };
    let sleep = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(t)));
    ready!(sleep.as_mut().poll(cx));
    *timer = None;
    Poll::Ready(
        GuardError::Silent {
            secs: t.as_secs().max(1),
        }
        .into_io(),
    )
}

use std::future::Future as _;

/// A read's outcome under the inactivity timer: the timer is reset when the read is
/// ready, and runs (ending in an error when it runs out) while it is pending.
fn guarded(
    r: Poll<std::io::Result<()>>,
    timer: &mut Option<Pin<Box<tokio::time::Sleep>>>,
    ctl: &GuardCtl,
    cx: &mut Context<'_>,
) -> Poll<std::io::Result<()>> {
    match r {
        Poll::Ready(r) => {
            *timer = None;
            Poll::Ready(r)
        }
        Poll::Pending => match poll_timer(timer, ctl.timeout(), cx) {
            Poll::Ready(e) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        },
    }
}

/// The size in a literal announcement `{123}` / `{123+}` that ends `line` (CRLF stripped).
pub(super) fn literal_size(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_suffix(b"}")?;
    let line = line.strip_suffix(b"+").unwrap_or(line);
    let open = line.iter().rposition(|b| *b == b'{')?;
    let digits = &line[open + 1..];
    (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit)).then_some(digits)
}

impl<S: Io> Guarded<S> {
    fn scanning(&self) -> bool {
        self.ctl.top.load(Ordering::Relaxed) == self.layer
    }

    /// Moves what `held` holds that may go up into `ready`: complete lines and literal bytes.
    fn sort_held(&mut self) -> std::io::Result<()> {
        let mut start = 0;
        loop {
            if self.literal_left > 0 {
                let n = usize::try_from(self.literal_left)
                    .unwrap_or(usize::MAX)
                    .min(self.held.len() - start);
                self.ready.extend_from_slice(&self.held[start..start + n]);
                self.literal_left -= n as u64;
                start += n;
                self.scanned = start;
                if self.literal_left > 0 {
                    break;
                }
                continue;
            }
            let from = self.scanned.max(start);
            let Some(lf) = self.held[from..].iter().position(|b| *b == b'\n') else {
                self.scanned = self.held.len();
                break;
            };
            let end = from + lf + 1;
            let line = &self.held[start..end];
            let body = line
                .strip_suffix(b"\n")
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .unwrap_or(line);
            if let Some(digits) = literal_size(body) {
                let limit = self.limits.max_literal_mb.saturating_mul(1024 * 1024);
                let size = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok());
                match size {
                    Some(n) if n <= limit => self.literal_left = n,
                    _ => {
                        return Err(GuardError::LiteralTooLarge {
                            size: String::from_utf8_lossy(digits).into_owned(),
                            limit_mb: self.limits.max_literal_mb,
                        }
                        .into_io());
                    }
                }
            }
            self.ready.extend_from_slice(&self.held[start..end]);
            start = end;
            self.scanned = start;
        }
        self.held.drain(..start);
        self.scanned -= start;
        if self.held.len() > self.limits.max_line {
            return Err(GuardError::LineTooLong {
                limit_kb: self.limits.max_line / 1024,
            }
            .into_io());
        }
        Ok(())
    }

    fn give(&mut self, out: &mut ReadBuf<'_>) {
        let n = out.remaining().min(self.ready.len() - self.ready_at);
        out.put_slice(&self.ready[self.ready_at..self.ready_at + n]);
        self.ready_at += n;
        if self.ready_at == self.ready.len() {
            self.ready.clear();
            self.ready_at = 0;
        }
    }
}

impl<S: Io> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if !this.scanning() && this.ready.is_empty() && this.held.is_empty() {
            // A layer under TLS or deflate: only the timeout applies. Reads are buffered:
            // TLS asks for a record's 5-byte header, then its body, so unbuffered that is
            // two system calls per record.
            if this.below_len > this.below_at {
                let n = out.remaining().min(this.below_len - this.below_at);
                out.put_slice(&this.below[this.below_at..this.below_at + n]);
                this.below_at += n;
                return Poll::Ready(Ok(()));
            }
            if out.remaining() >= BELOW_CHUNK {
                return this.read_below(cx, out);
            }
            if this.below.is_empty() {
                // Zeroed once; later reads reuse it.
                this.below = vec![0; BELOW_CHUNK];
            }
            let mut buf = ReadBuf::new(&mut this.below);
            let mut inner = Pin::new(&mut this.inner);
            ready!(guarded(
                inner.as_mut().poll_read(cx, &mut buf),
                &mut this.timer,
                &this.ctl,
                cx
            ))?;
            this.below_len = buf.filled().len();
            let n = out.remaining().min(this.below_len);
            out.put_slice(&this.below[..n]);
            this.below_at = n;
            return Poll::Ready(Ok(()));
        }
        loop {
            if this.ready.len() > this.ready_at {
                this.give(out);
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut buf = ReadBuf::new(&mut chunk);
            let r = Pin::new(&mut this.inner).poll_read(cx, &mut buf);
            ready!(guarded(r, &mut this.timer, &this.ctl, cx))?;
            let got = buf.filled();
            if got.is_empty() {
                // End of stream: what was held goes up, for async-imap to report.
                this.ready.append(&mut this.held);
                this.scanned = 0;
                if this.ready.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                continue;
            }
            this.held.extend_from_slice(got);
            this.sort_held()?;
        }
    }
}

/// Bytes a layer under TLS reads at a time.
const BELOW_CHUNK: usize = 32 * 1024;

impl<S: Io> Guarded<S> {
    /// An unbuffered read of a layer under TLS or deflate, under the timeout.
    fn read_below(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_read(cx, out);
        guarded(r, &mut self.timer, &self.ctl, cx)
    }

    /// The bytes to write for `buf`: itself, or with the armed credential in place of its
    /// placeholder (the top layer only).
    fn substitute(&mut self, buf: &[u8]) -> Option<Vec<u8>> {
        if !self.scanning() {
            return None;
        }
        let mut slot = self.ctl.secret.lock().ok()?;
        let s = slot.as_ref()?;
        let at = buf
            .windows(s.placeholder.len())
            .position(|w| w == s.placeholder.as_slice())?;
        let mut out = Vec::with_capacity(buf.len() + s.real.len());
        out.extend_from_slice(&buf[..at]);
        out.extend_from_slice(&s.real);
        out.extend_from_slice(&buf[at + s.placeholder.len()..]);
        *slot = None;
        Some(out)
    }
}

impl<S: Io> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.writing.is_none()
            && let Some(bytes) = this.substitute(buf)
        {
            this.writing = Some((bytes, 0, buf.len()));
        }
        let timeout = this.ctl.timeout();
        if let Some((bytes, done, report)) = this.writing.as_mut() {
            while *done < bytes.len() {
                match Pin::new(&mut this.inner).poll_write(cx, &bytes[*done..]) {
                    Poll::Ready(Ok(n)) => {
                        this.wtimer = None;
                        if n == 0 {
                            return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                        }
                        *done += n;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        return match poll_timer(&mut this.wtimer, timeout, cx) {
                            Poll::Ready(e) => Poll::Ready(Err(e)),
                            Poll::Pending => Poll::Pending,
                        };
                    }
                }
            }
            let n = *report;
            this.writing = None;
            return Poll::Ready(Ok(n));
        }
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.wtimer = None;
                Poll::Ready(r)
            }
            Poll::Pending => match poll_timer(&mut this.wtimer, timeout, cx) {
                Poll::Ready(e) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Ready(r) => {
                this.wtimer = None;
                Poll::Ready(r)
            }
            Poll::Pending => match poll_timer(&mut this.wtimer, this.ctl.timeout(), cx) {
                Poll::Ready(e) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn guarded(
        server: tokio::io::DuplexStream,
        line_kb: usize,
        lit_mb: u64,
    ) -> Guarded<tokio::io::DuplexStream> {
        let ctl = GuardCtl::new(Duration::from_millis(300));
        let mut g = ctl.wrap(server);
        g.limits = Limits {
            max_line: line_kb * 1024,
            max_literal_mb: lit_mb,
        };
        g
    }

    #[tokio::test]
    async fn lines_and_literals_pass_whole() {
        let (mut a, b) = tokio::io::duplex(1 << 16);
        let mut g = guarded(b, 1, 1);
        a.write_all(b"* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n* OK")
            .await
            .unwrap();
        let mut got = vec![0u8; 64];
        let mut total = Vec::new();
        while !total.ends_with(b"c)\r\n") {
            let n = g.read(&mut got).await.unwrap();
            total.extend_from_slice(&got[..n]);
        }
        assert_eq!(total, b"* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n");
    }

    #[tokio::test]
    async fn huge_literal_and_endless_line_are_refused() {
        let (mut a, b) = tokio::io::duplex(1 << 16);
        let mut g = guarded(b, 1, 1);
        a.write_all(b"* 1 FETCH (BODY[] {999999999999}\r\n")
            .await
            .unwrap();
        let e = g.read(&mut [0u8; 64]).await.unwrap_err();
        assert!(matches!(
            GuardError::from_io(&e),
            Some(GuardError::LiteralTooLarge { .. })
        ));

        let (mut a, b) = tokio::io::duplex(1 << 16);
        let mut g = guarded(b, 1, 1);
        a.write_all(&[b'x'; 2048]).await.unwrap();
        let e = g.read(&mut [0u8; 64]).await.unwrap_err();
        assert!(matches!(
            GuardError::from_io(&e),
            Some(GuardError::LineTooLong { .. })
        ));
    }

    #[tokio::test]
    async fn silence_times_out_and_secrets_are_substituted() {
        let (mut a, b) = tokio::io::duplex(1 << 16);
        let ctl = GuardCtl::new(Duration::from_millis(200));
        let mut g = ctl.wrap(b);
        let e = g.read(&mut [0u8; 8]).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        let ph = ctl.arm_secret(b"pa\"ss".to_vec());
        let mut cmd = b"A1 LOGIN u ".to_vec();
        cmd.extend_from_slice(&ph);
        g.write_all(&cmd).await.unwrap();
        let mut got = vec![0u8; cmd.len()];
        let n = a.read(&mut got).await.unwrap();
        assert_eq!(&got[..n], b"A1 LOGIN u pa\"ss");
    }
}
