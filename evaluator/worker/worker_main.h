// SPDX-License-Identifier: Apache-2.0
// The worker process's loop: greet with the device's facts, then answer eval jobs one at a time
// until the parent closes the pipe. Started as `kopt worker --device N` by WorkerProcess.
#pragma once

namespace kopt {

/// Returns the process exit code: 0 when the parent hung up, 3 after a poisoned context.
int RunWorker(int device_index);

}  // namespace kopt
