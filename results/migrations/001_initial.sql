-- SPDX-License-Identifier: Apache-2.0
-- Schema version 1 of the kopt results store. Timestamps are UTC ISO 8601 text; JSON columns
-- hold the JSON form of core/ types. Status and proposer names are fixed text, never renumbered.

-- One invocation of kopt that records something (kopt eval, kopt optimize).
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,                  -- "eval", "optimize"
  argv_json TEXT NOT NULL,                -- the command line, as a JSON array
  config_json TEXT NOT NULL DEFAULT '{}', -- the options after defaults were applied
  kopt_version TEXT NOT NULL,
  git_sha TEXT NOT NULL,
  device TEXT NOT NULL DEFAULT '',        -- GPU name
  device_json TEXT,                       -- the full DeviceInfo
  driver_version TEXT NOT NULL DEFAULT '',
  cuda_version TEXT NOT NULL DEFAULT '',  -- the toolkit kopt was built with
  nvrtc_version TEXT NOT NULL DEFAULT '',
  seed INTEGER,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT,
  status TEXT NOT NULL DEFAULT 'running', -- running, ok, failed
  message TEXT NOT NULL DEFAULT ''
);

-- A task as it was when seen: an edited task.json or reference.cu is a new row.
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  suite TEXT NOT NULL DEFAULT '',
  content_hash TEXT NOT NULL,
  task_json TEXT NOT NULL,
  reference_source TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (content_hash, suite)
);
CREATE INDEX tasks_by_name ON tasks (name);

-- Every LLM call, successful or not. The cache key finds a paid answer again.
CREATE TABLE llm_calls (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs (id),
  task_id INTEGER REFERENCES tasks (id),
  purpose TEXT NOT NULL DEFAULT '',       -- "plan", "code", "repair"
  cache_key TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_json TEXT NOT NULL,
  response_text TEXT NOT NULL,
  finish_reason TEXT NOT NULL DEFAULT '',
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  latency_ms REAL NOT NULL DEFAULT 0,
  cost_usd REAL,                          -- NULL: the model has no known price
  error TEXT NOT NULL DEFAULT '',         -- empty on success
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX llm_calls_by_cache_key ON llm_calls (cache_key);
CREATE INDEX llm_calls_by_task ON llm_calls (task_id);
CREATE INDEX llm_calls_by_run ON llm_calls (run_id);

-- A proposed kernel: source plus tunable choice for one task, and where it came from. The
-- task's reference is the candidate with proposer 'reference'; every lineage ends there. Small
-- columns come first and the source last, so reading them never walks the source's pages.
CREATE TABLE candidates (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  run_id INTEGER REFERENCES runs (id),
  parent_id INTEGER REFERENCES candidates (id),
  proposer TEXT NOT NULL,                 -- reference, user, llm, tune, replay
  model TEXT,                             -- the LLM that wrote it, when one did
  iteration INTEGER,
  menu_option_id TEXT,
  file TEXT,                              -- where the source was read from, when it was
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  tunables_json TEXT NOT NULL DEFAULT '{}',
  source_hash TEXT NOT NULL,              -- SHA-256 of the source
  eval_key TEXT NOT NULL,                 -- SHA-256 of source and tunable choice
  plan TEXT,
  source TEXT NOT NULL
);
CREATE INDEX candidates_by_task_key ON candidates (task_id, eval_key);
CREATE INDEX candidates_by_parent ON candidates (parent_id);
CREATE INDEX candidates_by_run ON candidates (run_id);

-- One finished evaluation of a candidate on a GPU. task_id and eval_key repeat the candidate's
-- so that the cache lookup and the leaderboard read one index (evaluations_latest covers the
-- leaderboard's scan). Numbers come first, the large texts last. result_json is the full
-- EvalResult (so fields added later survive) less the message and the compile log, which are
-- only in their own columns.
CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  candidate_id INTEGER NOT NULL REFERENCES candidates (id),
  run_id INTEGER REFERENCES runs (id),
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  device TEXT NOT NULL,
  status TEXT NOT NULL,                   -- correct, compile_error, launch_error, ...
  timed INTEGER NOT NULL DEFAULT 0,       -- 1 when timing was asked for
  suspicious INTEGER NOT NULL DEFAULT 0,  -- faster than the roofline allows
  event_median_ms REAL,
  event_p10_ms REAL,
  event_p90_ms REAL,
  event_n INTEGER,
  kernel_median_ms REAL,
  kernel_p10_ms REAL,
  kernel_p90_ms REAL,
  kernel_n INTEGER,
  sm_clock_mhz REAL,
  reference_median_ms REAL,
  speedup REAL,
  speedup_low REAL,
  speedup_high REAL,
  baseline_median_ms REAL,
  baseline_speedup REAL,
  baseline_speedup_low REAL,
  baseline_speedup_high REAL,
  roofline_fraction REAL,
  roofline_bound TEXT,
  baseline_name TEXT,
  wall_ms REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  eval_key TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  compile_log TEXT NOT NULL DEFAULT '',
  resources_json TEXT NOT NULL DEFAULT '[]',
  result_json TEXT NOT NULL
);
CREATE INDEX evaluations_latest
  ON evaluations (task_id, eval_key, device, id, status, suspicious, event_median_ms,
                  event_p90_ms);
CREATE INDEX evaluations_by_run ON evaluations (run_id, status);  -- covers `kopt runs` counts

-- The chain of plans that produced a good candidate, replayable on a similar task.
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  task_id INTEGER REFERENCES tasks (id),
  steps_json TEXT NOT NULL,               -- [{"menu_option_id": ..., "plan": ...}, ...] in order
  source_candidate_id INTEGER REFERENCES candidates (id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX schedules_by_task ON schedules (task_id);
