// SPDX-License-Identifier: Apache-2.0
// The kopt binary: kopt with every part real (cli/kopt_main.h).
#include "cli/kopt_main.h"

int main(int argc, char** argv) { return kopt::cli::Main(argc, argv); }
