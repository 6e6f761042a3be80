//! "The cache equals the server": each folder's messages as Python's imaplib sees them on
//! the server, against `tayori list` of the cache (no missing, no extra, no duplicate, no
//! row without a UID, flags equal).
use super::{Tayori, py_imap};
use crate::support::TestBed;
use std::collections::BTreeSet;

/// One message: (UID, Message-ID without brackets, seen, flagged).
pub type Msg = (u64, String, bool, bool);

/// The folder's messages on the server, sorted by UID (messages flagged \Deleted left out:
/// they are gone for a client that expunges them).
pub fn server_messages(bed: &TestBed, folder: &str) -> Vec<Msg> {
    let out = py_imap(
        bed,
        0,
        &format!(
            "import re\n\
             typ, d = M.select('\"{folder}\"')\n\
             if int(d[0]) > 0:\n    \
                 typ, data = M.uid('FETCH', '1:*', '(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')\n    \
                 for item in data:\n        \
                     if not isinstance(item, tuple): continue\n        \
                     meta = item[0].decode()\n        \
                     uid = re.search(r'UID (\\d+)', meta).group(1)\n        \
                     flags = re.search(r'FLAGS \\(([^)]*)\\)', meta).group(1)\n        \
                     mid = re.search(rb'<([^>]*)>', item[1])\n        \
                     mid = mid.group(1).decode() if mid else ''\n        \
                     if '\\\\Deleted' in flags: continue\n        \
                     print(uid, mid, int('\\\\Seen' in flags), int('\\\\Flagged' in flags))"
        ),
    );
    let mut v: Vec<Msg> = out
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 4).then(|| {
                (
                    f[0].parse().unwrap(),
                    f[1].to_string(),
                    f[2] == "1",
                    f[3] == "1",
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// The folder's rows in the cache, sorted by UID; panics on a row without a UID (a ghost).
pub fn cached_messages(t: &Tayori, folder: &str) -> Vec<Msg> {
    let mut v: Vec<Msg> = t
        .list(folder)
        .iter()
        .map(|r| {
            let uid = r["uid"]
                .as_u64()
                .unwrap_or_else(|| panic!("a row without a UID in {folder}: {r}"));
            let mid = r["message_id"]
                .as_str()
                .unwrap_or("")
                .trim_matches(|c| c == '<' || c == '>')
                .to_string();
            (uid, mid, r["seen"] == true, r["flagged"] == true)
        })
        .collect();
    v.sort();
    v
}

/// Asserts that every folder in `folders` holds in the cache exactly what the server holds,
/// and that no Message-ID appears twice across them (on the server or in the cache).
pub fn assert_cache_equals_server(t: &Tayori, bed: &TestBed, folders: &[&str]) {
    let mut seen_server = BTreeSet::new();
    let mut seen_cache = BTreeSet::new();
    for folder in folders {
        let server = server_messages(bed, folder);
        let cache = cached_messages(t, folder);
        assert_eq!(
            cache, server,
            "{folder}: cache (left) differs from the server (right)"
        );
        for (_, mid, _, _) in &server {
            assert!(seen_server.insert(mid.clone()), "{mid} twice on the server");
        }
        for (_, mid, _, _) in &cache {
            assert!(seen_cache.insert(mid.clone()), "{mid} twice in the cache");
        }
    }
}
