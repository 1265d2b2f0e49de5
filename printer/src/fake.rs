//! A network printer for tests (of this crate and of the kiosk): answers real-time status queries as its
//! [`State`] says, and keeps every job it receives.
//!
//! ```
//! use hall_printer::fake::{FakePrinter, State};
//! use hall_printer::{Fault, PaperWidth, Printer};
//! use std::time::Duration;
//!
//! let fake = FakePrinter::start();
//! let printer = Printer::new(fake.target(), PaperWidth::Mm58);
//! printer.print(b"hello\n").unwrap();
//! assert_eq!(fake.wait_for_jobs(1, Duration::from_secs(5)), vec![b"hello\n".to_vec()]);
//! fake.set_state(State::PaperOut);
//! assert_eq!(printer.print(b"again\n"), Err(Fault::PaperOut));
//! ```

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::status::status_request_len;
use crate::target::Target;

/// How the fake printer behaves; it can be changed at any time with [`FakePrinter::set_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum State {
    /// Ready: answers every status query with "online, no error".
    #[default]
    Online,
    CoverOpen,
    PaperOut,
    /// Offline because of an error (neither cover nor paper).
    Offline,
    /// Never answers status queries (as many cheap printers), but prints.
    Silent,
    /// Answers status as online, reads that many job bytes of a connection, then stops reading and never
    /// closes it: a printer that hangs mid-ticket.
    StallAfter(usize),
}

impl State {
    /// The byte a printer in this state sends for DLE EOT `n` (fixed bits 0xx1xx10 = 0x12, as ESC/POS has it).
    pub fn answer(self, n: u8) -> Option<u8> {
        const BASE: u8 = 0x12;
        const OFFLINE: u8 = 0x08; // n=1 bit 3
        let byte = match (self, n) {
            (State::Silent, _) => return None,
            (State::CoverOpen, 1) | (State::PaperOut, 1) | (State::Offline, 1) => BASE | OFFLINE,
            (State::CoverOpen, 2) => BASE | 0x04, // cover open
            (State::PaperOut, 2) => BASE | 0x20,  // printing stopped by paper end
            (State::Offline, 2) => BASE | 0x40,   // error occurred
            (State::PaperOut, 4) => BASE | 0x6C,  // roll paper near end (bits 2,3) and end (bits 5,6)
            (State::Offline, 3) => BASE | 0x20,   // unrecoverable error
            _ => BASE,
        };
        Some(byte)
    }
}

#[derive(Default)]
struct Conn {
    job: Vec<u8>,
    done: bool,
}

#[derive(Default)]
struct Inner {
    state: State,
    conns: Vec<Conn>,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    inner: Mutex<Inner>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fake ESC/POS network printer on 127.0.0.1, stopped when dropped.
pub struct FakePrinter {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FakePrinter {
    /// Listens on 127.0.0.1 on a free port, Online.
    pub fn start() -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the fake printer");
        let addr = listener.local_addr().expect("local address of the fake printer");
        let shared = Arc::new(Shared::default());
        let accepting = shared.clone();
        let accept = std::thread::Builder::new()
            .name("fake-printer".into())
            .spawn(move || accept_loop(listener, accepting))
            .expect("spawn the fake printer");
        FakePrinter { addr, shared, accept: Some(accept) }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `tcp://127.0.0.1:PORT`.
    pub fn target(&self) -> Target {
        Target::Tcp { host: self.addr.ip().to_string(), port: self.addr.port() }
    }

    pub fn set_state(&self, state: State) {
        self.shared.lock().state = state;
        self.shared.changed.notify_all();
    }

    /// The bytes of each connection that sent more than status queries (which are left out), in the order
    /// the connections were made, including ones still open.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        jobs(&self.shared.lock())
    }

    /// Waits until `n` connections with a job have been closed by the sender (or `timeout` passes), then
    /// returns [`jobs`](Self::jobs).
    pub fn wait_for_jobs(&self, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let guard = self.shared.lock();
        let (guard, _) = self
            .shared
            .changed
            .wait_timeout_while(guard, timeout, |inner| {
                inner.conns.iter().filter(|c| c.done && !c.job.is_empty()).count() < n
            })
            .unwrap_or_else(|e| e.into_inner());
        jobs(&guard)
    }

    /// Waits until the jobs hold at least `n` bytes in all (or `timeout` passes), then returns
    /// [`jobs`](Self::jobs); for jobs that never finish, such as with [`State::StallAfter`].
    pub fn wait_for_bytes(&self, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let guard = self.shared.lock();
        let (guard, _) = self
            .shared
            .changed
            .wait_timeout_while(guard, timeout, |inner| inner.conns.iter().map(|c| c.job.len()).sum::<usize>() < n)
            .unwrap_or_else(|e| e.into_inner());
        jobs(&guard)
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.changed.notify_all();
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// A target where nothing listens: connecting is refused.
pub fn refusing_target() -> Target {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    Target::Tcp { host: "127.0.0.1".into(), port }
}

fn jobs(inner: &Inner) -> Vec<Vec<u8>> {
    inner.conns.iter().filter(|c| !c.job.is_empty()).map(|c| c.job.clone()).collect()
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.lock().shutdown {
            return;
        }
        let Ok(stream) = stream else { continue };
        let id = {
            let mut inner = shared.lock();
            inner.conns.push(Conn::default());
            inner.conns.len() - 1
        };
        let shared = shared.clone();
        let _ =
            std::thread::Builder::new().name(format!("fake-printer-{id}")).spawn(move || serve(stream, id, &shared));
    }
}

const BUF: usize = 4096;

/// Reads one connection: answers status queries, keeps everything else as the job.
fn serve(mut stream: TcpStream, id: usize, shared: &Shared) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; BUF];
    loop {
        let (state, taken) = {
            let inner = shared.lock();
            (inner.state, inner.conns[id].job.len())
        };
        let limit = match state {
            State::StallAfter(n) => n.saturating_sub(taken),
            _ => BUF,
        };
        if limit == 0 {
            // Stalled: hold the connection open, read nothing, until the fake is dropped.
            let guard = shared.lock();
            let _guard = shared.changed.wait_while(guard, |inner| !inner.shutdown);
            return;
        }
        let read = match stream.read(&mut buf[..limit.min(BUF)]) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        pending.extend_from_slice(&buf[..read]);
        let (job, answers) = split_status(&mut pending, state);
        if !answers.is_empty() && stream.write_all(&answers).is_err() {
            break;
        }
        if !job.is_empty() {
            shared.lock().conns[id].job.extend_from_slice(&job);
            shared.changed.notify_all();
        }
    }
    let mut inner = shared.lock();
    let conn = &mut inner.conns[id];
    conn.job.append(&mut pending);
    conn.done = true;
    drop(inner);
    shared.changed.notify_all();
}

/// Takes the status queries out of `pending`, returning the job bytes and the answers. A possible start of a
/// query at the very end stays in `pending` until more bytes arrive.
fn split_status(pending: &mut Vec<u8>, state: State) -> (Vec<u8>, Vec<u8>) {
    let (mut job, mut answers) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < pending.len() {
        let rest = &pending[i..];
        if let Some(len) = status_request_len(rest) {
            answers.extend(state.answer(rest[2]));
            i += len;
        } else if matches!(rest, [0x10] | [0x10, 0x04] | [0x10, 0x04, 7 | 8 | 18]) {
            break;
        } else {
            job.push(rest[0]);
            i += 1;
        }
    }
    pending.drain(..i);
    (job, answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[u8], state: State, job: &[u8], answers: &[u8], left: &[u8]) {
        let mut pending = input.to_vec();
        assert_eq!(split_status(&mut pending, state), (job.to_vec(), answers.to_vec()), "{input:02x?}");
        assert_eq!(pending, left);
    }

    #[test]
    fn strips_and_answers_status_queries() {
        check(b"\x10\x04\x01ab\x10\x04\x02", State::Online, b"ab", &[0x12, 0x12], b"");
        check(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04", State::PaperOut, b"", &[0x1A, 0x32, 0x7E], b"");
        check(b"\x10\x04\x01\x10\x04\x02", State::CoverOpen, b"", &[0x1A, 0x16], b"");
        check(b"\x10\x04\x01x", State::Silent, b"x", b"", b"");
        check(b"ab\x10\x04", State::Online, b"ab", b"", b"\x10\x04");
        check(b"\x10\x05\x01", State::Online, b"\x10\x05\x01", b"", b"");
    }

    #[test]
    fn answers_decode_to_the_state() {
        use crate::status::interpret;
        use crate::Fault;
        let status = |s: State| interpret(s.answer(1).unwrap(), s.answer(2), s.answer(4));
        assert_eq!(status(State::Online), Ok(()));
        assert_eq!(status(State::StallAfter(3)), Ok(()));
        assert_eq!(status(State::CoverOpen), Err(Fault::CoverOpen));
        assert_eq!(status(State::PaperOut), Err(Fault::PaperOut));
        assert_eq!(status(State::Offline), Err(Fault::Offline));
        assert_eq!(State::Silent.answer(1), None);
    }
}
