-- A task's PyTorch equivalent (task.json "torch") timed on a GPU, eager or torch.compile'd, with
-- kopt's own method. Measured once per task version, GPU, mode and PyTorch/Triton versions;
-- `kopt eval --force` or a newer PyTorch measures again (the newest row wins). A row with an
-- error has no timing: the expression failed, timed out, or disagreed with the reference.
CREATE TABLE torch_baselines (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  run_id INTEGER REFERENCES runs (id),
  device TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('eager', 'compile')),
  python_version TEXT NOT NULL,
  torch_version TEXT NOT NULL,
  triton_version TEXT NOT NULL,  -- '' when PyTorch has no Triton
  median_ms REAL,
  p10_ms REAL,
  p90_ms REAL,
  mean_ms REAL,
  stddev_ms REAL,
  n INTEGER,
  compile_ms REAL,  -- torch.compile's first calls, timed apart and never in the samples
  checked_sizes INTEGER NOT NULL DEFAULT 0,  -- sizes (x seeds) where it matched the reference
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX torch_baselines_latest ON torch_baselines (task_id, device, mode, id);
