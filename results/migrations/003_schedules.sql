-- Schedules become whole records (core/schedule.h): the task's profile, the GPU, every step with
-- its gain and the alternatives tried beside it. The table of version 1 held only menu options
-- and plans and no kopt command ever wrote it, so it is replaced rather than altered.
DROP INDEX schedules_by_task;
DROP TABLE schedules;
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,        -- ScheduleFingerprint: one row per schedule's content
  task_id INTEGER REFERENCES tasks (id),   -- this store's row of the task; NULL when imported
  task_name TEXT NOT NULL,
  task_hash TEXT NOT NULL,
  op_class TEXT NOT NULL,
  device TEXT NOT NULL,
  arch TEXT NOT NULL,
  steps INTEGER NOT NULL,
  speedup REAL,                            -- the winner's, over the reference
  origin TEXT NOT NULL CHECK (origin IN ('local', 'imported')),
  source_candidate_id INTEGER REFERENCES candidates (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  schedule_json TEXT NOT NULL              -- the whole record, ToJson(Schedule)
);
CREATE INDEX schedules_by_task ON schedules (task_hash, device);
CREATE INDEX schedules_by_class ON schedules (op_class, arch);
