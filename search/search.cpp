// SPDX-License-Identifier: Apache-2.0
#include "search/search.h"

#include "core/seed_mix.h"
#include "core/text.h"
#include "search/beam.h"
#include "search/work_pool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <set>

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

// One task's search: its beam, the children of the current iteration, its counters.
class Search::TaskSearch {
 public:
  TaskSearch(Search& search, const Task& task, WorkPool& proposer_pool, WorkPool& eval_pool,
             const ProgressFn& progress)
      : s_(search),
        task_(task),
        proposer_pool_(proposer_pool),
        eval_pool_(eval_pool),
        progress_(progress) {
    outcome_.task = task.name;
  }

  TaskOutcome Run() {
    start_ = Clock::now();
    const SearchConfig& config = s_.config_;
    Report("roots");
    std::vector<SearchNode> roots;
    std::string reference_failure;
    for (Proposal& p : RootProposals()) {
      // A seed that is the starter (or another seed) again is not evaluated twice.
      if (!submitted_.insert(p.candidate.key()).second) continue;
      ClaimEvaluation();
      const SearchNode* measured_reference = outcome_.reference ? &*outcome_.reference : nullptr;
      EvalResult result = EvaluateNow(p, s_.config_.eval, true, measured_reference);
      bool reference = p.provenance.proposer == "reference";
      if (!result.ok() && reference) reference_failure = result.message;
      if (!p.candidate.ok()) continue;
      SearchNode node = Node(p, std::move(result));
      if (reference) outcome_.reference = node;
      if (node.result.ok() && node.result.timing) roots.push_back(std::move(node));
    }
    if (!outcome_.reference || !outcome_.reference->result.ok()) {
      return Finish(reference_failure.empty() && !outcome_.reference
                        ? "no reference"
                        : "the reference kernel failed: " + reference_failure);
    }
    std::sort(roots.begin(), roots.end(), [](const SearchNode& a, const SearchNode& b) {
      return a.latency_ms() < b.latency_ms();
    });
    if (static_cast<int>(roots.size()) > config.beam_width) roots.resize(config.beam_width);
    beam_ = std::move(roots);

    int stale = 0;
    for (int it = 1; it <= config.iterations; ++it) {
      if (std::string why = LimitReached(); !why.empty()) return Finish(why);
      iteration_ = it;
      Report("iteration");
      RunIteration(it);
      ++outcome_.iterations_run;
      std::vector<std::size_t> order(children_.size());
      std::iota(order.begin(), order.end(), 0);
      // The same children in any arrival order give the same beam, provenance included.
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(children_[a].candidate.key, parents_[a]->candidate.key) <
               std::tie(children_[b].candidate.key, parents_[b]->candidate.key);
      });
      std::vector<SearchNode> children;
      std::vector<const SearchNode*> parents;
      for (std::size_t i : order) {
        children.push_back(std::move(children_[i]));
        parents.push_back(parents_[i]);
      }
      std::size_t proposed = proposed_;
      BeamUpdate update = UpdateBeam(beam_, children, parents, config.beam_width);
      beam_ = std::move(update.beam);
      children_.clear();
      parents_.clear();
      proposed_ = 0;
      stale = update.improved ? 0 : stale + 1;
      Report("iteration");
      // A spent budget explains an empty iteration better than "nothing left to propose".
      if (std::string why = LimitReached(); !why.empty()) return Finish(why);
      if (proposed == 0) return Finish("nothing left to propose");
      const SearchNode& best = beam_.front();
      if (config.roofline_stop > 0 && best.result.roofline &&
          best.result.roofline->fraction >= config.roofline_stop) {
        return Finish("at " +
                      std::to_string(static_cast<int>(best.result.roofline->fraction * 100)) +
                      "% of the roofline");
      }
      if (stale >= config.patience) {
        return Finish("no faster kernel in " + std::to_string(stale) + " iterations");
      }
    }
    return Finish("iteration limit");
  }

 private:
  // The reference, the starter (when the task has one) and the configured seeds, in that order.
  std::vector<Proposal> RootProposals() const {
    std::vector<Proposal> roots;
    for (auto [source, proposer] : {std::pair{&task_.reference_source, "reference"},
                                    std::pair{&task_.starter_source, "starter"}}) {
      if (source->empty()) continue;
      Proposal& p = roots.emplace_back();
      p.file = task_.dir + "/" + proposer + ".cu";
      p.candidate = TryMakeCandidate(task_, *source, {}, p.file);
      p.provenance.proposer = proposer;
    }
    auto seeds = s_.config_.seeds.find(task_.content_hash);
    if (seeds == s_.config_.seeds.end()) return roots;
    for (const SeedKernel& seed : seeds->second) {
      Proposal& p = roots.emplace_back();
      p.candidate = TryMakeCandidate(task_, seed.source, seed.tunables);
      if (!p.candidate.ok() && !seed.tunables.empty()) {
        CandidateResult defaults = TryMakeCandidate(task_, seed.source);
        if (defaults.ok()) p.candidate = std::move(defaults);
      }
      p.provenance.proposer = seed.proposer;
      p.provenance.plan = seed.plan;
    }
    return roots;
  }

  void RunIteration(int it) {
    const SearchConfig& config = s_.config_;
    WorkGroup group;
    for (std::size_t m = 0; m < beam_.size(); ++m) {
      for (Proposer* proposer : s_.proposers_) {
        ProposalContext context;
        context.task = &task_;
        context.parent = &beam_[m];
        context.device = s_.device_;
        context.iteration = it;
        context.iterations = config.iterations;
        context.member = static_cast<int>(m);
        context.seed =
            PromptSeed(config.seed, task_.name + "/" + std::string(proposer->name()) + "/" +
                                        std::to_string(it) + "/" + std::to_string(m));
        group.Run(proposer_pool_, [this, &group, context, proposer] {
          if (s_.stop_) return;
          proposer->Propose(context, [this, &group, context, proposer](Proposal p) {
            Submit(group, context, *proposer, std::move(p));
          });
        });
      }
    }
    group.Wait();
  }

  // Queues the evaluation of `p`; a failure goes back to its proposer once for repair.
  // A kernel proposed again (two samples of one prompt agreeing, a plan repeated in a later
  // iteration) is not evaluated again: it is a duplicate, not news.
  void Submit(WorkGroup& group, const ProposalContext& context, Proposer& proposer, Proposal p) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!submitted_.insert(p.candidate.key()).second) {
        ++outcome_.duplicates;
        return;
      }
      ++proposed_;
    }
    group.Run(eval_pool_, [this, &group, context, &proposer, p = std::move(p)]() mutable {
      if (s_.stop_ || !LimitReached().empty() || !ClaimEvaluation()) return;
      p.provenance.iteration = context.iteration;
      const SearchNode& parent = *context.parent;
      EvalResult result = EvaluateNow(p, s_.config_.eval, true, &parent);
      if (p.candidate.ok() && result.ok() && result.timing && parent.result.timing) {
        SearchNode node = Node(p, std::move(result));
        Speedup step = CompareMedians(parent.result.timing->event_ms, node.result.timing->event_ms);
        node.history = parent.history;
        node.history.push_back(HistoryLine(
            p.provenance.menu_option.empty() ? p.provenance.proposer : p.provenance.menu_option,
            p.provenance.plan, step.value));
        std::lock_guard<std::mutex> lock(mutex_);
        children_.push_back(std::move(node));
        parents_.push_back(&parent);
        return;
      }
      if (result.ok() || p.repairs >= s_.config_.max_repairs || s_.stop_) return;
      EvalResult failure = std::move(result);
      group.Run(proposer_pool_,
                [this, &group, context, &proposer, p = std::move(p), failure = std::move(failure)] {
                  if (s_.stop_) return;
                  std::optional<Proposal> fixed = proposer.Repair(context, p, failure);
                  if (!fixed) return;
                  fixed->repairs = p.repairs + 1;
                  Submit(group, context, proposer, std::move(*fixed));
                });
    });
  }

  EvalResult EvaluateNow(const Proposal& p) { return EvaluateNow(p, s_.config_.eval, true); }

  // `counted`: a new candidate; the sanitizer's second look at a winner is not one.
  EvalResult EvaluateNow(const Proposal& p, const EvalOptions& options, bool counted,
                         const SearchNode* parent = nullptr) {
    EvalRequest request;
    request.task = &task_;
    request.candidate = p.candidate;
    // Named after the key, which covers the tunables: two tunings of one source differ.
    request.file =
        p.file.empty() ? task_.name + "-" + p.candidate.key().substr(0, 12) + ".cu" : p.file;
    request.options = options;
    request.provenance = WithRunId(p);
    auto start = Clock::now();
    EvalResult result = s_.evaluator_.Evaluate(request);
    std::optional<EvaluatedKernel> evaluated;  // for the progress report
    if (counted) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++outcome_.candidates;
      ++outcome_.statuses[std::string(EvalStatusName(result.status))];
      if (result.ok()) ++outcome_.correct;
      outcome_.eval_s += SecondsSince(start);
      EvaluatedKernel& e = outcome_.evaluated.emplace_back();
      e.iteration = p.provenance.iteration;
      e.proposer = p.provenance.proposer;
      e.option = p.provenance.menu_option;
      e.status = result.status;
      if (result.ok() && result.timing) e.latency_ms = result.timing->event_ms.median;
      if (result.speedup) e.speedup = result.speedup->value;
      if (parent && parent->result.timing) e.parent_ms = parent->latency_ms();
      evaluated = e;
    }
    Report(iteration_ == 0 ? "roots" : "iteration", evaluated);
    return result;
  }

  Provenance WithRunId(const Proposal& p) const {
    Provenance out = p.provenance;
    out.run_id = s_.config_.run_id;
    return out;
  }

  // The measured kernel `p` proposed, which must be a candidate.
  SearchNode Node(const Proposal& p, EvalResult result) const {
    SearchNode node;
    node.candidate = p.candidate.value();
    node.provenance = WithRunId(p);
    node.result = std::move(result);
    return node;
  }

  std::string LimitReached() {
    const SearchConfig& config = s_.config_;
    if (s_.stop_) {
      std::lock_guard<std::mutex> lock(s_.stop_mutex_);
      return s_.stop_reason_;
    }
    for (Proposer* proposer : s_.proposers_) {
      if (std::string why = proposer->StopReason(task_); !why.empty()) return why;
    }
    if (config.max_task_s > 0 && SecondsSince(start_) >= config.max_task_s) {
      return "time limit of " + std::to_string(static_cast<int>(config.max_task_s)) + " s";
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (config.max_task_candidates > 0 && claimed_ >= config.max_task_candidates) {
      return "candidate limit of " + std::to_string(config.max_task_candidates);
    }
    return "";
  }

  // Takes one of the task's evaluations, so concurrent evaluations cannot overshoot the limit.
  bool ClaimEvaluation() {
    std::lock_guard<std::mutex> lock(mutex_);
    int limit = s_.config_.max_task_candidates;
    if (limit > 0 && claimed_ >= limit) return false;
    ++claimed_;
    return true;
  }

  // The winner must also pass the sanitizer: a kernel that reads past an input or races in
  // shared memory can still give right answers. A demoted member leaves the beam (its
  // evaluation, stored, names the finding); the reference is trusted and ends the walk.
  void SanitizeWinner() {
    while (!beam_.empty() && !s_.stop_ && beam_.front().provenance.proposer != "reference") {
      const SearchNode& best = beam_.front();
      if (best.result.sanitizer && best.result.sanitizer->ran) return;
      Proposal p;
      p.candidate = best.candidate;
      p.provenance = best.provenance;
      EvalOptions options = s_.config_.eval;
      options.sanitize = true;
      SearchNode checked = Node(p, EvaluateNow(p, options, /*counted=*/false));
      if (checked.result.ok()) {
        checked.history = best.history;
        beam_.front() = std::move(checked);
        return;
      }
      Report("winner demoted by the sanitizer");
      beam_.erase(beam_.begin());
    }
  }

  TaskOutcome Finish(const std::string& why) {
    if (s_.config_.sanitize_best) SanitizeWinner();
    outcome_.stop_reason = why;
    if (!beam_.empty()) outcome_.best = beam_.front();
    outcome_.wall_s = SecondsSince(start_);
    Report("done: " + why);
    return outcome_;
  }

  void Report(const std::string& state, std::optional<EvaluatedKernel> evaluated = std::nullopt) {
    if (!progress_) return;
    TaskProgress p;
    p.evaluated = std::move(evaluated);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      p.task = task_.name;
      p.iteration = iteration_;
      p.iterations = s_.config_.iterations;
      p.candidates = outcome_.candidates;
      p.max_candidates = s_.config_.max_task_candidates;
      p.correct = outcome_.correct;
      p.state = state;
      if (!beam_.empty()) p.best_speedup = beam_.front().result.speedup;
    }
    std::lock_guard<std::mutex> lock(s_.progress_mutex_);
    progress_(p);
  }

  Search& s_;
  const Task& task_;
  WorkPool& proposer_pool_;
  WorkPool& eval_pool_;
  const ProgressFn& progress_;
  Clock::time_point start_;
  std::mutex mutex_;  // guards what evaluation threads touch: counters, children
  TaskOutcome outcome_;
  std::vector<SearchNode> beam_;  // read-only while an iteration runs
  std::vector<SearchNode> children_;
  std::vector<const SearchNode*> parents_;
  std::size_t proposed_ = 0;
  std::set<std::string> submitted_;  // candidate keys handed to evaluation, across iterations
  int claimed_ = 0;                  // evaluations started, roots included
  int iteration_ = 0;
};

std::string HistoryLine(const std::string& step, const std::string& plan, double gain) {
  char line[200];
  std::snprintf(line, sizeof line, "%s: %s (%.2fx over its parent)", step.c_str(),
                FirstLine(plan, 120).c_str(), gain);
  return line;
}

Search::Search(SearchConfig config, Evaluator& evaluator, std::vector<Proposer*> proposers,
               DeviceInfo device)
    : config_(std::move(config)),
      evaluator_(evaluator),
      proposers_(std::move(proposers)),
      device_(std::move(device)) {
  for (Proposer* p : proposers_) KOPT_CHECK(p != nullptr);
}

void Search::RequestStop(const std::string& why) {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (!stop_) stop_reason_ = why;
  stop_ = true;
}

std::vector<TaskOutcome> Search::Run(const std::vector<Task>& tasks, const ProgressFn& progress) {
  std::vector<TaskOutcome> outcomes(tasks.size());
  WorkPool proposer_pool(config_.proposer_threads);
  WorkPool eval_pool(config_.eval_threads);
  {
    WorkPool task_pool(std::min<int>(config_.parallel_tasks, static_cast<int>(tasks.size())));
    WorkGroup group;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      group.Run(task_pool, [&, i] {
        try {
          outcomes[i] = TaskSearch(*this, tasks[i], proposer_pool, eval_pool, progress).Run();
        } catch (const Error& e) {
          // kopt's own failure on this task (its reference does not compile, the GPU is gone):
          // the other tasks carry on.
          outcomes[i].task = tasks[i].name;
          outcomes[i].stop_reason = std::string("error: ") + e.what();
        }
      });
    }
    group.Wait();
  }
  return outcomes;
}

}  // namespace kopt
