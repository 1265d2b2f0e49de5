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

    /// A place for a new stream from `address`, or `503 too_many_streams`. An anonymous stream's
    /// address is its asker's (an IPv6 /64 is one: a host holds the whole network and could rotate
    /// through it), and anonymous streams (phones, lobby displays) leave a tenth of the total to
    /// signed-in ones (staff, the county), which no per-address cap holds back (desks on an IPv6
    /// LAN share one /64 with the phones): no one filling the gate blinds the hall's desks.
    pub fn enter(self: &Arc<Self>, address: Option<IpAddr>, signed_in: bool) -> Result<StreamPass, ApiError> {
        let address = address.filter(|_| !signed_in).map(crate::auth::asker);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let room = if signed_in { self.total_max } else { self.total_max - self.total_max / 10 };
        if open.total >= room {
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
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let gate = StreamGate::new(30, 2);
        let one = gate.enter(Some(a), false).unwrap();
        let _two = gate.enter(Some(a), false).unwrap();
        assert!(gate.enter(Some(a), false).is_err(), "a third from the same address");
        let mut rest: Vec<StreamPass> = (0..24).map(|_| gate.enter(None, false).unwrap()).collect();
        let _b = gate.enter(Some(b), false).unwrap();
        assert!(gate.enter(Some(b), false).is_err(), "the anonymous room (27 of 30) is full");
        rest.truncate(23);
        drop(one);
        assert_eq!(gate.open(), 25);
        assert!(gate.enter(Some(a), false).is_ok(), "a closed stream gives its place back");
        assert_eq!(gate.take_closed(), 3, "the one truncated, `one`, and the pass taken and dropped just above");
        drop(rest);
    }

    /// One host rotating through its IPv6 /64 is one address; anonymous streams filling the gate
    /// leave the staff's tenth free.
    #[test]
    fn a_network_is_one_address_and_staff_keep_room() {
        let gate = StreamGate::new(20, 5);
        let host = |i: u32| -> IpAddr { format!("2408:8000:1:2::{i:x}").parse().unwrap() };
        let _same: Vec<StreamPass> = (0..5).map(|i| gate.enter(Some(host(i)), false).unwrap()).collect();
        assert!(gate.enter(Some(host(99)), false).is_err(), "the same /64");
        let other = |n: u32| -> IpAddr { format!("10.0.{}.{}", n / 250, n % 250 + 1).parse().unwrap() };
        let _phones: Vec<StreamPass> = (0..13).map(|n| gate.enter(Some(other(n)), false).unwrap()).collect();
        assert!(gate.enter(Some(other(50)), false).is_err(), "anonymous streams stop at 18 of 20");
        let _desk = gate.enter(Some(other(60)), true).expect("a signed-in desk still gets in");
        let _same_net = gate.enter(Some(host(7)), true).expect("a desk on the phones' /64 too");
    }
}
