//! `tayori folder create|rename|delete`: the change is made in the cache at once and queued;
//! then sent to the server at once when it is reachable (else at the next sync).
use super::out::say;
use super::{Result, write};
use crate::engine::Engine;
use crate::mime::mutf7;
use crate::model::AccountId;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum FolderCmd {
    /// Create a folder (NAME as shown, e.g. "Projects/2026" or "仕事").
    Create {
        name: String,
        #[arg(long)]
        account: Option<i64>,
    },
    /// Rename a folder (its messages and offline copies stay).
    Rename {
        from: String,
        to: String,
        #[arg(long)]
        account: Option<i64>,
    },
    /// Delete a folder and the messages in it.
    Delete {
        name: String,
        #[arg(long)]
        account: Option<i64>,
    },
}

/// The account: the one given, else the only (or first) one.
fn account(engine: &Engine, id: Option<i64>) -> Result<AccountId> {
    Ok(match id {
        Some(id) => engine.store.account(AccountId(id))?.id,
        None => engine
            .store
            .accounts()?
            .first()
            .map(|a| a.id)
            .ok_or(crate::store::StoreError::NoAccount(0))?,
    })
}

pub async fn run(engine: &mut Engine, cmd: FolderCmd) -> Result<()> {
    let acc = match &cmd {
        FolderCmd::Create { account: a, .. }
        | FolderCmd::Rename { account: a, .. }
        | FolderCmd::Delete { account: a, .. } => account(engine, *a)?,
    };
    match cmd {
        FolderCmd::Create { name, .. } => {
            engine
                .store
                .local_create_folder(acc, &mutf7::encode(&name))?;
            say!("created {name}");
        }
        FolderCmd::Rename { from, to, .. } => {
            let f = super::read::find_folder(engine, acc, &from)?;
            engine
                .store
                .local_rename_folder(f.id, &mutf7::encode(&to))?;
            say!("renamed {from} to {to}");
        }
        FolderCmd::Delete { name, .. } => {
            let f = super::read::find_folder(engine, acc, &name)?;
            engine.store.local_delete_folder(f.id)?;
            say!("deleted {name}");
        }
    }
    write::push(engine, acc).await
}
