// SPDX-License-Identifier: Apache-2.0
#include "cli/validators.h"

#include <cstdio>
#include <functional>
#include <string>

namespace kopt::cli {
namespace {

std::string Number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// A validator that parses the value as a number and asks `ok`; `rule` says what it wants.
CLI::Validator NumberRule(std::function<bool(double)> ok, const std::string& rule) {
  return CLI::Validator(
      [ok = std::move(ok), rule](std::string& value) -> std::string {
        double x = 0;
        std::size_t used = 0;
        try {
          x = std::stod(value, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != value.size()) return "must be a number, got '" + value + "'";
        return ok(x) ? "" : "must be " + rule + ", got " + value;
      },
      rule);
}

}  // namespace

CLI::Validator Between(double lo, double hi) {
  return NumberRule([lo, hi](double x) { return x >= lo && x <= hi; },
                    "between " + Number(lo) + " and " + Number(hi));
}

CLI::Validator AtLeast(double lo) {
  return NumberRule([lo](double x) { return x >= lo; }, "at least " + Number(lo));
}

CLI::Validator Positive() {
  return NumberRule([](double x) { return x > 0; }, "greater than 0");
}

}  // namespace kopt::cli
