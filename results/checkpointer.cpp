// SPDX-License-Identifier: Apache-2.0
#include "results/checkpointer.h"

#include "core/secrets.h"
#include "results/sqlite.h"

#include <cstdio>

namespace kopt {

Checkpointer::Checkpointer(const std::string& path, int wal_pages)
    : db_(std::make_unique<Database>(path, false)), threshold_(wal_pages) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::Committed(int wal_pages) {
  if (wal_pages < threshold_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_) return;
    pending_ = true;
  }
  wake_.notify_one();
}

int Checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return checkpoints_;
}

void Checkpointer::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stop_; });
    if (stop_) return;
    lock.unlock();
    try {
      // PASSIVE: copies what no reader still needs, never blocks readers or the writer.
      db_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const StoreError& e) {
      // A failed checkpoint loses nothing (the pages stay in the WAL); the next one retries.
      std::fprintf(stderr, "kopt: %s\n", RedactSecrets(e.what()).c_str());
    }
    lock.lock();
    pending_ = false;
    ++checkpoints_;
  }
}

}  // namespace kopt
