//! LIST with SPECIAL-USE, and folder create/rename/delete.
use super::{ImapConn, Result, quote};
use crate::model::FolderRole;
use async_imap::imap_proto::{MailboxDatum, NameAttribute, Response};

/// A folder as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFolder {
    pub name: String,
    pub delimiter: Option<String>,
    pub role: Option<FolderRole>,
    pub selectable: bool,
}

/// Guesses a role from a well-known name, for servers without SPECIAL-USE.
pub fn role_from_name(name: &str, delimiter: Option<&str>) -> Option<FolderRole> {
    if name.eq_ignore_ascii_case("INBOX") {
        return Some(FolderRole::Inbox);
    }
    let leaf = match delimiter {
        Some(d) if !d.is_empty() => name.rsplit(d).next().unwrap_or(name),
        _ => name,
    };
    Some(match leaf.to_ascii_lowercase().as_str() {
        "sent" | "sent items" | "sent messages" | "sent mail" => FolderRole::Sent,
        "drafts" | "draft" => FolderRole::Drafts,
        "trash" | "deleted items" | "deleted messages" | "bin" => FolderRole::Trash,
        "junk" | "spam" | "junk e-mail" => FolderRole::Junk,
        "archive" | "archives" => FolderRole::Archive,
        _ => return None,
    })
}

impl ImapConn {
    pub async fn list_folders(&mut self) -> Result<Vec<ServerFolder>> {
        let cmd = if self.caps.special_use {
            "LIST \"\" \"*\" RETURN (SPECIAL-USE)"
        } else {
            "LIST \"\" \"*\""
        };
        let mut out = Vec::new();
        self.raw(cmd, |r| {
            if let Response::MailboxData(MailboxDatum::List(l)) = r {
                let mut role = None;
                let mut selectable = true;
                for a in &l.name_attributes {
                    match a {
                        NameAttribute::NoSelect => selectable = false,
                        NameAttribute::Drafts => role = Some(FolderRole::Drafts),
                        NameAttribute::Sent => role = Some(FolderRole::Sent),
                        NameAttribute::Trash => role = Some(FolderRole::Trash),
                        NameAttribute::Junk => role = Some(FolderRole::Junk),
                        NameAttribute::Archive => role = Some(FolderRole::Archive),
                        NameAttribute::All => role = Some(FolderRole::All),
                        NameAttribute::Flagged => role = Some(FolderRole::Flagged),
                        _ => {}
                    }
                }
                let delimiter = l.delimiter.as_ref().map(|d| d.to_string());
                let name = l.name.to_string();
                let role = role.or_else(|| role_from_name(&name, delimiter.as_deref()));
                out.push(ServerFolder {
                    name,
                    delimiter,
                    role,
                    selectable,
                });
            }
        })
        .await?;
        // One folder per role: the first one wins (SPECIAL-USE is listed before guesses).
        let mut seen = std::collections::HashSet::new();
        for f in &mut out {
            if let Some(r) = f.role
                && !seen.insert(r)
            {
                f.role = None;
            }
        }
        Ok(out)
    }

    pub async fn create_folder(&mut self, name: &str) -> Result<()> {
        self.raw(&format!("CREATE {}", quote(name)), |_| {}).await?;
        Ok(())
    }

    pub async fn rename_folder(&mut self, from: &str, to: &str) -> Result<()> {
        self.raw(&format!("RENAME {} {}", quote(from), quote(to)), |_| {})
            .await?;
        Ok(())
    }

    pub async fn delete_folder(&mut self, name: &str) -> Result<()> {
        self.raw(&format!("DELETE {}", quote(name)), |_| {}).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_names() {
        assert_eq!(
            role_from_name("INBOX.Sent", Some(".")),
            Some(FolderRole::Sent)
        );
        assert_eq!(
            role_from_name("Deleted Items", Some("/")),
            Some(FolderRole::Trash)
        );
        assert_eq!(role_from_name("inbox", None), Some(FolderRole::Inbox));
        assert_eq!(role_from_name("Projects", Some("/")), None);
    }
}
