//! USB printers through nusb: claim the printer interface, bulk OUT for the job, bulk IN for status bytes.

use std::time::Duration;

use nusb::transfer::{Buffer, Bulk, Direction, EndpointType, In, Out};
use nusb::{Endpoint, MaybeFuture};

use crate::fault::Fault;
use crate::link::Link;

pub(crate) struct UsbLink {
    out: Endpoint<Bulk, Out>,
    input: Option<Endpoint<Bulk, In>>,
    timeout: Duration,
    name: String,
}

impl UsbLink {
    /// Opens the first device with this vendor and product id and claims its first interface with a bulk OUT
    /// endpoint (detaching the kernel's usblp driver on Linux).
    pub fn open(vendor: u16, product: u16, timeout: Duration) -> Result<UsbLink, Fault> {
        let name = format!("usb://{vendor:04x}:{product:04x}");
        let unreachable = |what: &str, e: &dyn std::fmt::Display| Fault::Unreachable(format!("{name}: {what}: {e}"));
        let info = nusb::list_devices()
            .wait()
            .map_err(|e| unreachable("listing USB devices", &e))?
            .find(|d| d.vendor_id() == vendor && d.product_id() == product)
            .ok_or_else(|| Fault::Unreachable(format!("{name}: no such USB device is connected")))?;
        let device = info.open().wait().map_err(|e| unreachable("opening", &e))?;
        let config = device.active_configuration().map_err(|e| unreachable("configuration", &e))?;
        let mut found = None;
        for setting in config.interface_alt_settings() {
            let bulk = |dir| setting.endpoints().find(|e| e.transfer_type() == Bulk::TYPE && e.direction() == dir);
            if let Some(out) = bulk(Direction::Out) {
                found = Some((setting.interface_number(), out.address(), bulk(Direction::In).map(|e| e.address())));
                break;
            }
        }
        let (number, out, input) =
            found.ok_or_else(|| Fault::Unreachable(format!("{name}: no bulk OUT endpoint (is it a printer?)")))?;
        let interface = device.detach_and_claim_interface(number).wait().map_err(|e| unreachable("claiming", &e))?;
        let out = interface.endpoint::<Bulk, Out>(out).map_err(|e| unreachable("endpoint", &e))?;
        let input = input.and_then(|addr| interface.endpoint::<Bulk, In>(addr).ok());
        Ok(UsbLink { out, input, timeout, name })
    }
}

impl Link for UsbLink {
    fn send(&mut self, bytes: &[u8]) -> Result<(), Fault> {
        for chunk in bytes.chunks(4096) {
            let done = self.out.transfer_blocking(Buffer::from(chunk.to_vec()), self.timeout);
            done.status.map_err(|e| Fault::Failed(format!("{}: {e}", self.name)))?;
            if done.actual_len != chunk.len() {
                return Err(Fault::Failed(format!(
                    "{}: {} of {} bytes written",
                    self.name,
                    done.actual_len,
                    chunk.len()
                )));
            }
        }
        Ok(())
    }

    fn answer(&mut self, wait: Duration) -> Option<u8> {
        let input = self.input.as_mut()?;
        let size = input.max_packet_size().max(1);
        let done = input.transfer_blocking(Buffer::new(size), wait);
        done.status.ok()?;
        done.buffer.first().copied()
    }

    fn flush(&mut self) -> Result<(), Fault> {
        Ok(())
    }

    fn can_answer(&self) -> bool {
        self.input.is_some()
    }

    fn drain(&mut self) {
        // Late answers waiting on the IN endpoint belong to earlier questions.
        for _ in 0..16 {
            if self.answer(Duration::from_millis(20)).is_none() {
                break;
            }
        }
    }
}
