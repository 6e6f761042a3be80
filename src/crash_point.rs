//! Named crash points for fault tests: with `TAYORI_CRASH_AT=<name>` a debug build aborts
//! there (like `kill -9`: no cleanup, no unwinding). Release builds compile this to nothing.

/// Aborts the process when `TAYORI_CRASH_AT` names this point (debug builds only).
#[inline]
pub fn here(_name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("TAYORI_CRASH_AT").is_ok_and(|v| v == _name) {
        eprintln!("tayori: crash point {_name}");
        std::process::abort();
    }
}
