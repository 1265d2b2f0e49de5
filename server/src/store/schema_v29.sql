-- Bookings: who cancelled one (`citizen`, or the hall: `config`, `calendar` — the director phones
-- those citizens from the day's list), and why the director excused a missed one (personal
-- information as the name and phone are: blanked with them, never in the audit trail).
ALTER TABLE bookings ADD COLUMN cancelled_by TEXT;
ALTER TABLE bookings ADD COLUMN excuse TEXT;
