//! Where an attachment is saved: a file name safe on every desktop system (Windows device
//! names, reserved characters, trailing dots and spaces), and a path that never replaces an
//! existing file unless the user asked for that. The name rules are pure functions.
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a save treats a file that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// Keep it; write "name (1).ext" (or the next free number) beside it. The window's Save.
    NewName,
    /// Keep it and fail with [`super::EngineError::FileExists`]. The CLI's default.
    Refuse,
    /// Replace it (the user asked: `save-attachment --overwrite`).
    Overwrite,
}

/// Names Windows keeps for devices, whatever the extension ("CON.txt" is the console too).
const DEVICES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Longest name kept, in characters (Windows and most file systems allow 255 bytes).
const MAX_CHARS: usize = 120;

/// A file name from a message, safe to create on Windows, macOS and Linux: no directories,
/// no control or reserved characters (`<>:"/\|?*`), no leading dots (hidden files), no
/// trailing dots or spaces, no device name (`CON`, `NUL.txt`, `com1` get a `_` in front),
/// at most 120 characters with the extension kept; "attachment" when nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .to_string();
    if cleaned.is_empty() {
        return "attachment".into();
    }
    let cleaned = shorten(&cleaned);
    let stem = cleaned.split('.').next().unwrap_or("").trim_end();
    if DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

/// Cuts a long name to [`MAX_CHARS`], keeping a short extension.
fn shorten(name: &str) -> String {
    if name.chars().count() <= MAX_CHARS {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    let ext: String = ext.chars().take(16).collect();
    let keep = MAX_CHARS - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{stem}{ext}")
}

/// "report.pdf" -> ("report", ".pdf"); "archive" -> ("archive", ""); ".x" stays whole.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    }
}

/// The `n`th alternative to `path`: "dir/report (n).pdf".
pub fn numbered(path: &Path, n: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = split_ext(&name);
    path.with_file_name(format!("{stem} ({n}){ext}"))
}

/// Writes `bytes` to `path` as `mode` says; returns the path written. Never replaces a
/// file unless `mode` is [`SaveMode::Overwrite`] (a file that appears meanwhile is kept too:
/// the new one is created exclusively).
pub fn write_new(path: &Path, bytes: &[u8], mode: SaveMode) -> super::Result<PathBuf> {
    let err = |p: &Path, source| super::EngineError::Write {
        path: p.display().to_string(),
        source,
    };
    if mode == SaveMode::Overwrite {
        std::fs::write(path, bytes).map_err(|e| err(path, e))?;
        return Ok(path.to_path_buf());
    }
    for n in 0..10_000 {
        let candidate = if n == 0 {
            path.to_path_buf()
        } else {
            numbered(path, n)
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut f) => {
                f.write_all(bytes).map_err(|e| err(&candidate, e))?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if mode == SaveMode::Refuse {
                    return Err(super::EngineError::FileExists {
                        path: candidate.display().to_string(),
                    });
                }
            }
            Err(e) => return Err(err(&candidate, e)),
        }
    }
    Err(super::EngineError::FileExists {
        path: path.display().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_get_a_prefix_whatever_the_case_or_extension() {
        for (from, to) in [
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("Nul.tar.gz", "_Nul.tar.gz"),
            ("PRN", "_PRN"),
            ("aux.", "_aux"),
            ("COM1.log", "_COM1.log"),
            ("lpt9", "_lpt9"),
            ("COM0.txt", "COM0.txt"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("icon.png", "icon.png"),
            ("CON .txt", "_CON .txt"),
        ] {
            assert_eq!(safe_file_name(from), to, "{from}");
        }
    }

    #[test]
    fn reserved_characters_dots_and_spaces() {
        assert_eq!(
            safe_file_name("a<b>c:d\"e|f?g*h.txt"),
            "a_b_c_d_e_f_g_h.txt"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("C:\\Windows\\x.dll"), "C__Windows_x.dll");
        assert_eq!(safe_file_name("report.pdf. . "), "report.pdf");
        assert_eq!(safe_file_name("  notes.txt  "), "notes.txt");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("tab\there\u{7}.txt"), "tab_here_.txt");
        assert_eq!(safe_file_name("請求書 2026.pdf"), "請求書 2026.pdf");
        for empty in ["", "   ", "...", ". .", "\u{0}"] {
            assert!(!safe_file_name(empty).is_empty(), "{empty:?}");
        }
        assert_eq!(safe_file_name("..."), "attachment");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "あ".repeat(300));
        let s = safe_file_name(&long);
        assert_eq!(s.chars().count(), MAX_CHARS);
        assert!(s.ends_with("あ.pdf"), "{s}");
    }

    #[test]
    fn numbered_names() {
        let p = Path::new("/d/report.pdf");
        assert_eq!(numbered(p, 1), Path::new("/d/report (1).pdf"));
        assert_eq!(numbered(Path::new("/d/data"), 2), Path::new("/d/data (2)"));
        assert_eq!(
            numbered(Path::new("/d/a.tar.gz"), 3),
            Path::new("/d/a.tar (3).gz")
        );
    }

    #[test]
    fn an_existing_file_is_never_replaced_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"mine").unwrap();
        let got = write_new(&p, b"new", SaveMode::NewName).unwrap();
        assert_eq!(got, dir.path().join("a (1).txt"));
        let got = write_new(&p, b"newer", SaveMode::NewName).unwrap();
        assert_eq!(got, dir.path().join("a (2).txt"));
        assert!(matches!(
            write_new(&p, b"x", SaveMode::Refuse),
            Err(super::super::EngineError::FileExists { .. })
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"mine");
        write_new(&p, b"replaced", SaveMode::Overwrite).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"replaced");
        let fresh = dir.path().join("b.txt");
        assert_eq!(write_new(&fresh, b"b", SaveMode::Refuse).unwrap(), fresh);
    }
}
