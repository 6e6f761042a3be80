//! Everything the CLI prints on stdout goes through here: mail text (subjects, bodies,
//! folder names, server replies) never reaches the terminal with control characters, and a
//! closed pipe (`tayori list | head -1`) ends the command quietly instead of panicking.
use super::Result;
use std::io::Write;

/// Prints one line of human output, control characters made visible (\n and \t kept).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::out::line(&format!($($arg)*))?
    };
}
pub(crate) use say;

/// Writes `text` and a newline, neutralised.
pub fn line(text: &str) -> Result<()> {
    let mut s = terminal_safe(text);
    s.push('\n');
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// Writes JSON text: control characters are already escaped by serde_json below U+0020;
/// DEL and the C1 range (which some terminals obey as escapes) are escaped here too, so the
/// JSON means the same and the terminal sees none.
pub fn json_text(text: &str) -> Result<()> {
    let mut s = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
            s.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            s.push(c);
        }
    }
    s.push('\n');
    std::io::stdout().lock().write_all(s.as_bytes())?;
    Ok(())
}

/// Control characters as visible symbols: C0 as their control pictures (ESC is "␛"),
/// DEL as "␡", C1 as "�". Newline and tab stay.
pub fn terminal_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// True when the error is the reader of our stdout having gone away.
pub fn is_broken_pipe(e: &super::CliError) -> bool {
    matches!(e, super::CliError::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(
            terminal_safe("a\u{1b}[31mred\u{1b}]52;c;aGk=\u{7}\u{9b}2J\r\tb\nc"),
            "a␛[31mred␛]52;c;aGk=␇�2J␍\tb\nc"
        );
    }
}
