-- The schedules a run replays on each task, chosen once when the run begins (kopt optimize
-- --reuse). A resumed run reads them back instead of choosing again, so it sends the prompts it
-- sent before even when the store has gained schedules since. Kept beside the run rather than in
-- runs.config_json: the configuration is what finds the unfinished run to resume, and this
-- choice depends on the store's state, not on the command line.
CREATE TABLE run_schedules (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  task_hash TEXT NOT NULL,
  rank INTEGER NOT NULL,  -- 0 is the most similar
  schedule_id INTEGER NOT NULL REFERENCES schedules (id),
  PRIMARY KEY (run_id, task_hash, rank)
);
