-- The schema that holds every read model; the event store stays in public.
CREATE SCHEMA IF NOT EXISTS views;
