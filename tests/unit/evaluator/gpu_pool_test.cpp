// SPDX-License-Identifier: Apache-2.0
// Several GPUs behind one Evaluator, with fakes at the seam: a task stays on its GPU, tasks
// spread, two GPUs work at once, and a GPU that keeps failing is set aside while the others go on.
#include "evaluator/gpu_pool.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>

namespace kopt {
namespace {

// Answers "correct", naming its device in the result; throws while `broken`. With a `meeting`,
// it answers only once every GPU sharing it is inside Evaluate at the same time (or gives up
// after two seconds, and says so).
class FakeGpu : public Evaluator {
 public:
  FakeGpu(std::string name, std::latch* meeting = nullptr, bool broken = false)
      : name_(std::move(name)), meeting_(meeting), broken_(broken) {}
  EvalResult Evaluate(const EvalRequest&) override {
    ++calls;
    if (broken_) throw Error(name_ + ": the worker could not start");
    if (meeting_) {
      meeting_->count_down();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (!meeting_->try_wait()) {
        if (std::chrono::steady_clock::now() > deadline) throw Error(name_ + ": evaluated alone");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    EvalResult r;
    r.status = EvalStatus::kCorrect;
    r.device = name_;
    return r;
  }
  std::atomic<int> calls{0};

 private:
  std::string name_;
  std::latch* meeting_;
  bool broken_;
};

Task TaskNamed(const std::string& hash) {
  Task t;
  t.name = hash;
  t.content_hash = hash;
  return t;
}

EvalRequest RequestFor(const Task& task) {
  EvalRequest r;
  r.task = &task;
  return r;
}

struct Pool {
  FakeGpu* gpu0 = nullptr;
  FakeGpu* gpu2 = nullptr;
  std::unique_ptr<GpuPool> pool;
};

Pool TwoGpus(std::latch* meeting = nullptr, bool second_broken = false) {
  Pool p;
  auto a = std::make_unique<FakeGpu>("gpu0", meeting);
  auto b = std::make_unique<FakeGpu>("gpu2", meeting, second_broken);
  p.gpu0 = a.get();
  p.gpu2 = b.get();
  std::vector<GpuPool::Gpu> gpus;
  gpus.push_back({0, std::move(a)});
  gpus.push_back({2, std::move(b)});
  p.pool = std::make_unique<GpuPool>(std::move(gpus), 3);
  return p;
}

TEST(GpuPoolTest, ATaskStaysOnItsGpuAndTasksSpread) {
  Pool p = TwoGpus();
  Task a = TaskNamed("aaaa"), b = TaskNamed("bbbb");
  std::string first = p.pool->Evaluate(RequestFor(a)).device;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p.pool->Evaluate(RequestFor(a)).device, first);
  std::string second = p.pool->Evaluate(RequestFor(b)).device;
  EXPECT_NE(first, second);
  EXPECT_EQ(p.pool->GpuOf("aaaa"), first == "gpu0" ? 0 : 2);
}

// Each fake answers only while the other is evaluating too: one GPU's job never waits for the
// other's.
TEST(GpuPoolTest, TwoGpusEvaluateAtOnce) {
  std::latch meeting(2);
  Pool p = TwoGpus(&meeting);
  Task a = TaskNamed("aaaa"), b = TaskNamed("bbbb");
  auto evaluate = [&](const Task& task) {
    try {
      return p.pool->Evaluate(RequestFor(task));
    } catch (const Error& e) {  // a pool that ran them one at a time
      EvalResult failed;
      failed.message = e.what();
      return failed;
    }
  };
  EvalResult first;
  std::thread t([&] { first = evaluate(a); });
  EvalResult second = evaluate(b);
  t.join();
  EXPECT_TRUE(first.ok()) << first.message;
  EXPECT_TRUE(second.ok()) << second.message;
  EXPECT_EQ(p.gpu0->calls, 1);
  EXPECT_EQ(p.gpu2->calls, 1);
}

TEST(GpuPoolTest, AGpuThatKeepsFailingIsSetAsideAndItsTasksMove) {
  Pool p = TwoGpus(nullptr, /*second_broken=*/true);
  Task a = TaskNamed("aaaa"), b = TaskNamed("bbbb");
  p.pool->Evaluate(RequestFor(a));  // gpu0, the first with fewest tasks
  ASSERT_EQ(p.pool->GpuOf("bbbb"), 2);
  for (int i = 0; i < 3; ++i) EXPECT_THROW(p.pool->Evaluate(RequestFor(b)), Error);
  EXPECT_EQ(p.pool->Unhealthy(), std::vector<int>{2});
  EXPECT_EQ(p.pool->Evaluate(RequestFor(b)).device, "gpu0");
  EXPECT_EQ(p.gpu2->calls, 3);
}

TEST(GpuPoolTest, WithEveryGpuUnhealthyTheErrorNamesEach) {
  std::vector<GpuPool::Gpu> gpus;
  gpus.push_back({1, std::make_unique<FakeGpu>("gpu1", nullptr, true)});
  GpuPool pool(std::move(gpus), 1);
  Task a = TaskNamed("aaaa");
  EXPECT_THROW(pool.Evaluate(RequestFor(a)), Error);
  try {
    pool.Evaluate(RequestFor(a));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("every GPU is marked unhealthy (GPU 1: gpu1: the worker"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(GpuPool({}, 3), ConfigError);
}

}  // namespace
}  // namespace kopt
