//! The live event hub: the writer publishes committed events; SSE streams subscribe.

use tokio::sync::broadcast;

use crate::store::events::LiveEvent;

#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<LiveEvent>,
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        Hub { tx }
    }

    /// Called by the writer after the events' transaction committed.
    pub fn publish(&self, events: Vec<LiveEvent>) {
        for e in events {
            // No subscriber is fine: the events are in the table.
            let _ = self.tx.send(e);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}
