// SPDX-License-Identifier: Apache-2.0
// The headers kopt itself gives every compile, by name: `#include <kopt/tma.h>` in a candidate
// is served from kopt's memory (the text of evaluator/include/kopt/tma.h), never from the file
// system, so it needs no path and passes the compile sandbox. Their text is part of every compile
// cache key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kopt {

struct DeviceHeader {
  std::string_view name;  // as a source includes it: "kopt/tma.h"
  std::string_view text;
};

const std::vector<DeviceHeader>& KoptDeviceHeaders();

/// A digest of every header's name and text, for cache keys.
const std::string& KoptDeviceHeadersDigest();

}  // namespace kopt
