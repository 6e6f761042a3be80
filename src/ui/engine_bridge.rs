//! The engine's event stream as an iced Subscription (halloy's stream.rs is the model): the
//! subscription's identity is the data dir, so it starts once; starting it starts every
//! account of the scheduler and forwards its events.
use crate::engine::{EngineHandle, Event};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

pub struct Feed {
    pub dir: PathBuf,
    pub handle: EngineHandle,
    pub events: async_channel::Receiver<Event>,
}

impl Hash for Feed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "tayori-engine".hash(state);
        self.dir.hash(state);
    }
}

pub fn stream(feed: &Feed) -> async_channel::Receiver<Event> {
    if let Err(e) = feed.handle.start_all() {
        tracing::error!("engine: cannot start the accounts: {e}");
    }
    feed.events.clone()
}
