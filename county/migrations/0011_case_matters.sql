-- A case's matter (事项), from `case_changed.service_id` (servers before it do not send it:
-- their cases stay without one), so that the report per matter counts cases too.
ALTER TABLE cases ADD COLUMN service_id TEXT;
