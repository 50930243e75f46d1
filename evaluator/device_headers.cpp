// SPDX-License-Identifier: Apache-2.0
#include "evaluator/device_headers.h"

#include "core/sha256.h"

namespace kopt {

std::string_view TmaDeviceHeaderText();  // device_header_script.cpp, generated

const std::vector<DeviceHeader>& KoptDeviceHeaders() {
  static const std::vector<DeviceHeader> kHeaders = {{"kopt/tma.h", TmaDeviceHeaderText()}};
  return kHeaders;
}

const std::string& KoptDeviceHeadersDigest() {
  static const std::string kDigest = [] {
    Sha256 sha;
    for (const DeviceHeader& h : KoptDeviceHeaders()) {
      sha.Update(h.name).Update("\n").Update(h.text).Update("\n");
    }
    return sha.HexDigest();
  }();
  return kDigest;
}

}  // namespace kopt
