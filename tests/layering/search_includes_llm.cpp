// search/ may use llm/, prompts/ and core/: the control that shows the probes build at all.
#include "core/task.h"
#include "llm/provider.h"
#include "prompts/menu.h"
#include "search/search.h"
