//! Caps on live streams (SSE): in total and per source address, so that one client on the
//! LAN cannot open thousands and starve the hall. Each open stream holds a [`StreamPass`]; the
//! count goes down when it is dropped with the stream.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::error::{ApiError, Code};

pub struct StreamGate {
    total_max: usize,
    per_address_max: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
    /// Streams closed since the allocator was last asked to give memory back.
    closed_since_trim: usize,
}

/// One open stream's place; gives it back when dropped.
pub struct StreamPass {
    gate: Arc<StreamGate>,
    address: Option<IpAddr>,
}

impl StreamGate {
    pub fn new(total_max: usize, per_address_max: usize) -> Arc<StreamGate> {
        Arc::new(StreamGate { total_max, per_address_max, open: Mutex::new(Open::default()) })
    }

    /// A place for a new stream from `address`, or `503 too_many_streams`.
    pub fn enter(self: &Arc<Self>, address: Option<IpAddr>) -> Result<StreamPass, ApiError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.total_max {
            return Err(ApiError::unavailable(
                Code::TooManyStreams,
                format!("the server already serves {} live streams; retry later", self.total_max),
            ));
        }
        if let Some(a) = address {
            let n = open.by_address.entry(a).or_default();
            if *n >= self.per_address_max {
                return Err(ApiError::unavailable(
                    Code::TooManyStreams,
                    format!("this address already has {} live streams open; close some first", self.per_address_max),
                ));
            }
            *n += 1;
        }
        open.total += 1;
        Ok(StreamPass { gate: self.clone(), address })
    }

    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).total
    }

    /// Streams closed since the last call (the sweeper then returns freed memory).
    pub fn take_closed(&self) -> usize {
        std::mem::take(&mut self.open.lock().unwrap_or_else(|e| e.into_inner()).closed_since_trim)
    }
}

impl Drop for StreamPass {
    fn drop(&mut self) {
        let mut open = self.gate.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total -= 1;
        open.closed_since_trim += 1;
        if let Some(a) = self.address {
            if let Some(n) = open.by_address.get_mut(&a) {
                *n -= 1;
                if *n == 0 {
                    open.by_address.remove(&a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_capped_per_address_and_in_total_and_freed_on_close() {
        let gate = StreamGate::new(3, 2);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let one = gate.enter(Some(a)).unwrap();
        let _two = gate.enter(Some(a)).unwrap();
        assert!(gate.enter(Some(a)).is_err(), "a third from the same address");
        let _three = gate.enter(Some(b)).unwrap();
        assert!(gate.enter(Some(b)).is_err(), "the total is reached");
        drop(one);
        assert_eq!(gate.open(), 2);
        assert!(gate.enter(Some(a)).is_ok(), "a closed stream gives its place back");
        assert_eq!(gate.take_closed(), 2);
    }
}
