//! Printing through targets: the fake network printer, its faults, a file, and no printer at all.

use std::time::Duration;

use hall_printer::decode::decode;
use hall_printer::fake::{refusing_target, FakePrinter, State};
use hall_printer::{ticket_bytes, Fault, Lang, PaperWidth, Printer, Target};

use crate::sample;

const WAIT: Duration = Duration::from_secs(10);

fn printer(fake: &FakePrinter) -> Printer {
    Printer::new(fake.target(), PaperWidth::Mm58).with_timeout(Duration::from_millis(300))
}

#[test]
fn a_ticket_round_trips_through_the_fake_printer() {
    let fake = FakePrinter::start();
    let bytes = ticket_bytes(&sample(Lang::Zh), PaperWidth::Mm58);
    assert_eq!(printer(&fake).status(), Ok(()));
    assert_eq!(printer(&fake).print(&bytes), Ok(()));
    let jobs = fake.wait_for_jobs(1, WAIT);
    assert_eq!(jobs, vec![bytes.clone()], "the job arrives whole, without the status queries");
    let printed = decode(&jobs[0]);
    assert!(printed.text().contains("青石镇便民服务中心"));
    assert!(printed.cut());
}

#[test]
fn each_fault_state_gives_its_fault_and_prints_nothing() {
    let fake = FakePrinter::start();
    for (state, fault) in
        [(State::CoverOpen, Fault::CoverOpen), (State::PaperOut, Fault::PaperOut), (State::Offline, Fault::Offline)]
    {
        fake.set_state(state);
        assert_eq!(printer(&fake).status(), Err(fault.clone()), "{state:?} status");
        assert_eq!(printer(&fake).print(b"ticket\n"), Err(fault), "{state:?} print");
    }
    fake.set_state(State::Online);
    assert_eq!(printer(&fake).print(b"after\n"), Ok(()));
    assert_eq!(fake.wait_for_jobs(1, WAIT), vec![b"after\n".to_vec()]);
}

#[test]
fn a_printer_that_never_answers_status_still_prints() {
    let fake = FakePrinter::start();
    fake.set_state(State::Silent);
    assert_eq!(printer(&fake).status(), Ok(()));
    assert_eq!(printer(&fake).print(b"silent\n"), Ok(()));
    assert_eq!(fake.wait_for_jobs(1, WAIT), vec![b"silent\n".to_vec()]);
}

#[test]
fn a_printer_that_stalls_mid_ticket_fails_the_print() {
    let fake = FakePrinter::start();
    fake.set_state(State::StallAfter(100));
    let bytes = ticket_bytes(&sample(Lang::Zh), PaperWidth::Mm58);
    match printer(&fake).print(&bytes) {
        Err(Fault::Failed(why)) => assert!(why.contains("confirm") || why.contains("timed out"), "{why}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(fake.wait_for_bytes(100, WAIT), vec![bytes[..100].to_vec()], "it took exactly 100 bytes");
}

#[test]
fn a_refused_connection_is_unreachable() {
    let printer = Printer::new(refusing_target(), PaperWidth::Mm80).with_timeout(Duration::from_millis(300));
    for result in [printer.status(), printer.print(b"x")] {
        match result {
            Err(fault @ Fault::Unreachable(_)) => assert_eq!(fault.code(), "printer_unreachable"),
            other => panic!("expected Unreachable, got {other:?}"),
        }
    }
}

#[test]
fn a_file_target_gets_the_bytes_appended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    let printer = Printer::new(Target::File(path.clone()), PaperWidth::Mm80);
    assert_eq!(printer.status(), Ok(()));
    printer.print(b"one\n").unwrap();
    printer.print(b"two\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
}

#[test]
fn a_file_that_cannot_be_opened_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let printer = Printer::new(Target::File(dir.path().join("missing/lp0")), PaperWidth::Mm80);
    assert!(matches!(printer.print(b"x"), Err(Fault::Unreachable(_))));
}
