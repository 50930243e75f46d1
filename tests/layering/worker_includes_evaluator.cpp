// evaluator/worker/ may use evaluator/ (the job, the protocol, NVRTC): the control that shows
// the probe above builds at all.
#include "evaluator/eval_job.h"
#include "evaluator/protocol.h"
#include "evaluator/worker/gpu_runtime.h"
