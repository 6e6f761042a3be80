//! Opening uncached messages through the scheduler's kept read session: the median time per
//! open of `count` messages one after another, and the LOGINs Dovecot logged meanwhile.
use crate::support::TestBed;
use std::time::{Duration, Instant};
use tayori::engine::{ConnState, EngineHandle, Event};
use tayori::model::{AccountId, MessageId};

fn next_event(
    events: &async_channel::Receiver<Event>,
    deadline: Instant,
    mut f: impl FnMut(&Event) -> bool,
) -> bool {
    while Instant::now() < deadline {
        match events.recv_blocking() {
            Ok(ev) if f(&ev) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// (median, max, logins during the opens). The messages must have no cached body.
pub fn uncached_opens(
    bed: &TestBed,
    data: &std::path::Path,
    account: AccountId,
    ids: &[MessageId],
) -> (Duration, Duration, usize) {
    let (h, events) = EngineHandle::new(data.to_path_buf());
    h.add_account(account);
    let deadline = Instant::now() + Duration::from_secs(120);
    assert!(
        next_event(&events, deadline, |e| matches!(
            e,
            Event::State(_, ConnState::Pushing)
        )),
        "the account did not reach push"
    );
    // The session logs in when the account starts; give it a moment to finish.
    std::thread::sleep(Duration::from_millis(500));
    let before = bed.imap_logins();
    let mut times = Vec::new();
    for id in ids {
        let t0 = Instant::now();
        h.show(account, *id);
        let ok = next_event(
            &events,
            Instant::now() + Duration::from_secs(30),
            |e| matches!(e, Event::Shown(m, Ok(_)) if m == id),
        );
        assert!(ok, "message {id} did not open");
        times.push(t0.elapsed());
    }
    std::thread::sleep(Duration::from_millis(300));
    let during = bed.imap_logins() - before;
    h.shutdown();
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], during)
}
