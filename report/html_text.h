// SPDX-License-Identifier: Apache-2.0
// Text into HTML and SVG: every byte an LLM, a task file or a store wrote goes through Escape,
// so a plan holding "<script>" is shown as text and never parsed as markup.
#pragma once

#include <string>
#include <string_view>

namespace kopt {

/// & < > " ' as entities; the rest as it is. Safe in element content and quoted attributes.
std::string Escape(std::string_view text);

/// printf into a string (numbers only: a %s argument must already be escaped).
std::string Printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace kopt
