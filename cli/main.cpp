// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"kopt"};
  CLI11_PARSE(app, argc, argv);
  return 0;
}
