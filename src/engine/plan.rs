//! Pure sync planning: (server state, cached state) -> what to do. No I/O.
use crate::model::{Flags, Folder, Uid};

/// How to bring one folder up to date after SELECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderPlan {
    /// UIDVALIDITY changed: every cached UID is void; re-map by Message-ID, full pass.
    Reset,
    /// No complete pass recorded (first sync, interrupted sync, failed op): compare all UIDs.
    Full,
    /// Nothing changed since the last pass (same UIDVALIDITY, UIDNEXT, MODSEQ and count).
    UpToDate,
    /// Fetch headers of UIDs >= `new_from`; flags changed since `changed_since`
    /// (None = compare all flags); `check_vanished` = compare UID sets for expunges.
    Incremental {
        new_from: u32,
        changed_since: Option<u64>,
        check_vanished: bool,
    },
}

/// What SELECT reported, reduced to what planning needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerState {
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub exists: u32,
    /// A QRESYNC SELECT already delivered flag changes and VANISHED.
    pub resynced: bool,
}

/// `cached_count` is the server's EXISTS recorded at the last complete pass (the cache held
/// exactly those messages then; local changes since are queued ops that move MODSEQ).
pub fn plan_folder(cached: &Folder, cached_count: u32, server: &ServerState) -> FolderPlan {
    if let (Some(old), Some(new)) = (cached.uidvalidity, server.uidvalidity)
        && old != new
    {
        return FolderPlan::Reset;
    }
    let Some(uidnext) = cached.uidnext else {
        return FolderPlan::Full;
    };
    let same_next = server.uidnext == Some(uidnext);
    match (cached.highest_modseq, server.highest_modseq) {
        (Some(old), Some(new)) => {
            if old == new && same_next && server.exists == cached_count {
                return FolderPlan::UpToDate;
            }
            FolderPlan::Incremental {
                new_from: uidnext,
                changed_since: (!server.resynced).then_some(old),
                check_vanished: !server.resynced,
            }
        }
        _ => FolderPlan::Incremental {
            new_from: uidnext,
            changed_since: None,
            check_vanished: true,
        },
    }
}

/// Compares cached UIDs with the server's: returns (UIDs to fetch, newest first; UIDs gone).
pub fn diff_uids(cached: &[(Uid, i64)], server: &[u32]) -> (Vec<u32>, Vec<Uid>) {
    let cached_set: std::collections::HashSet<u32> = cached.iter().map(|(u, _)| u.0).collect();
    let server_set: std::collections::HashSet<u32> = server.iter().copied().collect();
    let mut missing: Vec<u32> = server
        .iter()
        .copied()
        .filter(|u| !cached_set.contains(u))
        .collect();
    missing.sort_unstable_by(|a, b| b.cmp(a));
    let gone = cached
        .iter()
        .filter(|(u, _)| !server_set.contains(&u.0))
        .map(|(u, _)| *u)
        .collect();
    (missing, gone)
}

/// Server flags that differ from the cached ones.
pub fn diff_flags(
    cached: &[(Uid, i64)],
    server: &[(Uid, Flags, Option<u64>)],
) -> Vec<(Uid, Flags, Option<u64>)> {
    let map: std::collections::HashMap<u32, i64> = cached.iter().map(|(u, b)| (u.0, *b)).collect();
    server
        .iter()
        .filter(|(u, f, _)| map.get(&u.0).is_some_and(|b| *b != f.to_bits()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, FolderId};

    fn folder(uv: Option<u32>, next: Option<u32>, modseq: Option<u64>) -> Folder {
        Folder {
            id: FolderId(1),
            account_id: AccountId(1),
            name: "INBOX".into(),
            delimiter: Some("/".into()),
            role: None,
            uidvalidity: uv,
            uidnext: next,
            highest_modseq: modseq,
            server_total: None,
            server_unread: None,
            last_sync: None,
        }
    }

    fn server(uv: u32, next: u32, modseq: Option<u64>, exists: u32) -> ServerState {
        ServerState {
            uidvalidity: Some(uv),
            uidnext: Some(next),
            highest_modseq: modseq,
            exists,
            resynced: false,
        }
    }

    #[test]
    fn first_sync_is_full() {
        assert_eq!(
            plan_folder(&folder(None, None, None), 0, &server(7, 10, Some(3), 9)),
            FolderPlan::Full
        );
    }

    #[test]
    fn interrupted_sync_is_full() {
        assert_eq!(
            plan_folder(
                &folder(Some(7), None, None),
                500,
                &server(7, 10, Some(3), 9)
            ),
            FolderPlan::Full
        );
    }

    #[test]
    fn uidvalidity_change_resets() {
        assert_eq!(
            plan_folder(
                &folder(Some(7), Some(10), Some(3)),
                9,
                &server(8, 10, Some(3), 9)
            ),
            FolderPlan::Reset
        );
    }

    #[test]
    fn unchanged_condstore_folder_is_up_to_date() {
        assert_eq!(
            plan_folder(
                &folder(Some(7), Some(10), Some(3)),
                9,
                &server(7, 10, Some(3), 9)
            ),
            FolderPlan::UpToDate
        );
    }

    #[test]
    fn changed_modseq_is_incremental() {
        assert_eq!(
            plan_folder(
                &folder(Some(7), Some(10), Some(3)),
                9,
                &server(7, 12, Some(5), 11)
            ),
            FolderPlan::Incremental {
                new_from: 10,
                changed_since: Some(3),
                check_vanished: true
            }
        );
    }

    #[test]
    fn without_condstore_flags_are_compared_in_full() {
        assert_eq!(
            plan_folder(&folder(Some(7), Some(10), None), 9, &server(7, 10, None, 9)),
            FolderPlan::Incremental {
                new_from: 10,
                changed_since: None,
                check_vanished: true
            }
        );
    }

    #[test]
    fn uid_diff_newest_first() {
        let cached = vec![(Uid(1), 0), (Uid(2), 0), (Uid(5), 0)];
        let (missing, gone) = diff_uids(&cached, &[2, 3, 4, 5]);
        assert_eq!(missing, vec![4, 3]);
        assert_eq!(gone, vec![Uid(1)]);
    }

    #[test]
    fn flag_diff_only_changed_known() {
        let cached = vec![(Uid(1), 0), (Uid(2), 1)];
        let seen = Flags {
            seen: true,
            ..Default::default()
        };
        let server = vec![
            (Uid(1), seen.clone(), None),
            (Uid(2), seen.clone(), None),
            (Uid(3), seen.clone(), None),
        ];
        assert_eq!(diff_flags(&cached, &server), vec![(Uid(1), seen, None)]);
    }
}
