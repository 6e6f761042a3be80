//! The unread count the desktop shows outside the message list (window title, dock badge).
use super::{Result, Store};

impl Store {
    /// Unread messages in the Inbox of every account (flag bit 1 is \Seen).
    pub fn inbox_unread_total(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum((m.flags & 1) = 0), 0)
             FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.role = 'inbox'",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{
        Endpoint, Flags, FolderRole, HeaderInfo, Pop3Options, Protocol, Security, Uid,
    };
    use crate::store::{NewAccount, Pop3Message, Store};

    fn msg(n: u32, seen: bool) -> Pop3Message {
        Pop3Message {
            header: HeaderInfo {
                uid: Uid(0),
                message_id: Some(format!("<{n}@x>")),
                subject: format!("m{n}"),
                from: "a@x".into(),
                to: "b@x".into(),
                cc: String::new(),
                date: 1,
                internal_date: 1,
                size: 10,
                flags: Flags {
                    seen,
                    ..Flags::default()
                },
                modseq: None,
                in_reply_to: None,
                references: None,
                parts: Vec::new(),
                has_attachments: false,
            },
            raw: format!("Subject: m{n}\r\n\r\nbody\r\n").into_bytes(),
            text: "body".into(),
            snippet: String::new(),
        }
    }

    #[test]
    fn counts_unread_inbox_mail_of_all_accounts_only() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.inbox_unread_total().unwrap(), 0);
        let mut n = 0;
        for name in ["a", "b"] {
            let a = s
                .add_account(&NewAccount {
                    name: name.into(),
                    email: format!("{name}@x"),
                    username: name.into(),
                    protocol: Protocol::Pop3,
                    imap: Endpoint {
                        host: "pop.x".into(),
                        port: 995,
                        security: Security::Tls,
                    },
                    pop3: Pop3Options::default(),
                    password_command: None,
                    ca_file: None,
                })
                .unwrap();
            let inbox = s.folder_by_role(a, FolderRole::Inbox).unwrap().unwrap();
            let trash = s.folder_by_role(a, FolderRole::Trash).unwrap().unwrap();
            for (folder, seen) in [(inbox.id, false), (inbox.id, true), (trash.id, false)] {
                n += 1;
                s.store_pop3_message(a, folder, &format!("u{n}"), &msg(n, seen), 1)
                    .unwrap();
            }
        }
        assert_eq!(s.inbox_unread_total().unwrap(), 2);
    }
}
