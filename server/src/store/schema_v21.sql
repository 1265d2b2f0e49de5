-- A month's assessment counts the complaints answered as upheld in it (per window, per staff
-- member): a slice of this index, not every complaint the hall ever received.
CREATE INDEX complaints_upheld ON complaints (answered_on) WHERE finding = 'upheld';
