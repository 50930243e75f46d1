// evaluator/ (kopt's own process) drives no GPU: the worker side is out of its reach.
#include "evaluator/worker/gpu_runtime.h"
