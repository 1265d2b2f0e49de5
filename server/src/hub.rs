//! The live event hub: the writer publishes committed events once they are on disk; SSE
//! streams subscribe.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::store::events::LiveEvent;

#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<LiveEvent>,
    /// The newest event id published (on disk). A stream reads the table up to it only: a row
    /// past it is committed but its flush may still be running, and a crash then would take it
    /// back after a client had been told of it (and the id given again to another event).
    published: Arc<AtomicI64>,
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        Hub { tx, published: Arc::new(AtomicI64::new(0)) }
    }

    /// At start: every event in the table, up to `last_id`, is on disk.
    pub fn start_after(&self, last_id: i64) {
        self.published.fetch_max(last_id, Ordering::SeqCst);
    }

    /// Called by the writer's flush stage once the events' commit is on disk, in commit order.
    pub fn publish(&self, events: Vec<LiveEvent>) {
        for e in events {
            self.published.fetch_max(e.id, Ordering::SeqCst);
            // No subscriber is fine: the events are in the table.
            let _ = self.tx.send(e);
        }
    }

    /// The newest event id on disk and published: what a stream may read from the table.
    pub fn published(&self) -> i64 {
        self.published.load(Ordering::SeqCst)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}
