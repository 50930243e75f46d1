// search/ reaches the store only through core's seams, never its headers.
#include "results/store.h"
