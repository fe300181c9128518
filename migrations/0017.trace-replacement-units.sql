-- Recalls: every replacement unit shipped is its own link, and links are found by batch.
-- depends: 0004.trace
--
-- A shipment of several units (exchange 2 of 4) ships one serial per unit: the
-- link's key becomes (position, unit), unit 0 for a shipment of one. A recall of a
-- batch looks its replacement units up by their own batch. Rows written before keep
-- unit 0; `sanbao projections rebuild trace` re-reads every shipment.
ALTER TABLE views.trace_replacements ADD COLUMN unit integer NOT NULL DEFAULT 0;
-- The primary key by whatever name it has now (a rebuild may have renamed it).
DO $$
DECLARE pkey text;
BEGIN
    SELECT conname INTO pkey FROM pg_constraint
     WHERE conrelid = 'views.trace_replacements'::regclass AND contype = 'p';
    EXECUTE format('ALTER TABLE views.trace_replacements DROP CONSTRAINT %I', pkey);
END $$;
ALTER TABLE views.trace_replacements ADD PRIMARY KEY (position, unit);
CREATE INDEX trace_replacements_batch_no ON views.trace_replacements (batch_no);
