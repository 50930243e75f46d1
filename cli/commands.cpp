// SPDX-License-Identifier: Apache-2.0
// The command table (command.h).
#include "cli/command.h"

#include <array>

namespace kopt::cli {
namespace {

const std::array kCommands = {
    Command{"doctor", "Check the driver, GPUs, NVRTC, CUPTI and bandwidth", SetupDoctor},
    Command{"tasks", "List and validate task suites", SetupTasks},
    Command{"compile", "Validate and compile a candidate (no GPU needed)", SetupCompile},
    Command{"eval", "Compile, check and time one candidate on the GPU", SetupEval},
    Command{"baselines", "Check and time every task's PyTorch equivalent, eager and torch.compile",
            SetupBaselines},
    Command{"menus", "List and validate optimization menus", SetupMenus},
    Command{"worker", "GPU worker process (internal)", SetupWorker, /*internal=*/true},
    Command{"compile-server", "Sandboxed compile process (internal)", SetupCompileServer,
            /*internal=*/true},
    Command{"llm", "LLM providers: check a model configuration", SetupLlm},
    Command{"optimize", "Search for faster kernels for every task of a suite", SetupOptimize},
    Command{"leaderboard", "Best correct kernel per task and GPU", SetupLeaderboard},
    Command{"show", "A candidate: source, plan, lineage, measurements", SetupShow},
    Command{"export", "Write a task's best kernels as .cu files or PyTorch operator packages",
            SetupExport},
    Command{"runs", "Recorded runs of kopt, newest first", SetupRuns},
    Command{"schedules", "The chains of plans behind the winners: list, show, export, import",
            SetupSchedules},
    Command{"prompt", "The exact prompt the search would send about a kernel (no GPU, no LLM)",
            SetupPrompt},
    Command{"report", "One self-contained HTML report of the store's results", SetupReport},
    Command{"reuse", "Carry one schedule over to chosen tasks, and what each step gave there",
            SetupReuse},
    Command{"completion", "A bash completion script (source it, or cmake --install does)",
            SetupCompletion},
};

}  // namespace

std::span<const Command> Commands() { return kCommands; }

}  // namespace kopt::cli
