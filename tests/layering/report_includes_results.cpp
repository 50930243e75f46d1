// report/ reads the store through results/.
#include "results/leaderboard.h"
