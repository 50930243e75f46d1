// llm/ may use core only: the search is out of its reach.
#include "search/search.h"
