// SPDX-License-Identifier: Apache-2.0
// Moves WAL checkpoints off the commit path: a thread with its own connection copies committed
// pages from the WAL into the database (and waits for the disk) while the writer carries on.
// Without it the commit that crosses the WAL threshold pays for the checkpoint's fsyncs.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace kopt {

class Database;

class Checkpointer {
 public:
  /// Opens its own connection to `path` (which must exist) and starts the thread.
  /// `wal_pages` is the WAL size at which a checkpoint starts.
  Checkpointer(const std::string& path, int wal_pages);
  /// Stops the thread after any checkpoint in progress. Never throws.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  /// Called after each commit with the WAL's size in pages; cheap, never blocks on the disk.
  void Committed(int wal_pages);
  /// Checkpoints run so far (for tests and the benchmark).
  int checkpoints() const;

 private:
  void Loop();

  std::unique_ptr<Database> db_;
  int threshold_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stop_ = false;
  int checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace kopt
