// report/ renders what results/ reads; it never reaches the search or an evaluator.
#include "search/search.h"
