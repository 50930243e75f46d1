// core/ uses nothing of kopt's other folders.
#include "evaluator/cuda_evaluator.h"
