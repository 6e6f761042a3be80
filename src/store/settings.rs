//! App-wide preferences: a small key/value table (per-account options live in `accounts`).
use super::{Result, Store};
use rusqlite::{OptionalExtension, params};

const NOTIFICATIONS: &str = "notifications";

impl Store {
    /// The stored value of `key`, if any.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM app_settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// New-mail notifications: on unless turned off.
    pub fn notifications_enabled(&self) -> Result<bool> {
        Ok(self.setting(NOTIFICATIONS)?.as_deref() != Some("off"))
    }

    pub fn set_notifications_enabled(&self, on: bool) -> Result<()> {
        self.set_setting(NOTIFICATIONS, if on { "on" } else { "off" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_default_on_and_the_choice_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        assert!(store.notifications_enabled().unwrap());
        store.set_notifications_enabled(false).unwrap();
        assert!(!store.notifications_enabled().unwrap());
        drop(store);
        let store = Store::open_dir(dir.path()).unwrap();
        assert!(!store.notifications_enabled().unwrap());
        store.set_notifications_enabled(true).unwrap();
        assert_eq!(
            store.setting("notifications").unwrap().as_deref(),
            Some("on")
        );
        assert_eq!(store.setting("missing").unwrap(), None);
    }
}
