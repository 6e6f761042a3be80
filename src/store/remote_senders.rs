//! Senders whose HTML mail may load remote content ("Always for this sender"), revocable
//! in Settings. Addresses are kept bare and lower-case.
use super::{Result, Store};
use rusqlite::params;

fn key(address: &str) -> String {
    crate::mime::reply::bare_address(address).to_lowercase()
}

impl Store {
    pub fn allow_remote_sender(&self, address: &str) -> Result<()> {
        let k = key(address);
        if k.is_empty() {
            return Ok(());
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO remote_content_senders (address, added) VALUES (?1, ?2)",
            params![k, chrono::Utc::now().timestamp()],
        )?;
        Ok(())
    }

    pub fn remove_remote_sender(&self, address: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM remote_content_senders WHERE address = ?1",
            params![key(address)],
        )?;
        Ok(())
    }

    pub fn remote_sender_allowed(&self, address: &str) -> Result<bool> {
        let k = key(address);
        Ok(!k.is_empty()
            && self.conn.query_row(
                "SELECT count(*) FROM remote_content_senders WHERE address = ?1",
                params![k],
                |r| r.get::<_, i64>(0),
            )? > 0)
    }

    /// The allowed senders, alphabetically.
    pub fn remote_senders(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT address FROM remote_content_senders ORDER BY address")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn senders_are_kept_bare_and_removable() {
        let s = Store::open_in_memory().unwrap();
        s.allow_remote_sender("Shop News <News@Shop.example>")
            .unwrap();
        s.allow_remote_sender("news@shop.example").unwrap();
        assert!(s.remote_sender_allowed("NEWS@shop.example").unwrap());
        assert!(!s.remote_sender_allowed("other@shop.example").unwrap());
        assert_eq!(s.remote_senders().unwrap(), vec!["news@shop.example"]);
        s.remove_remote_sender("news@shop.example").unwrap();
        assert!(s.remote_senders().unwrap().is_empty());
        assert!(!s.remote_sender_allowed("").unwrap());
    }
}
