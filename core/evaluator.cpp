// SPDX-License-Identifier: Apache-2.0
#include "core/evaluator.h"

#include "core/sha256.h"

namespace kopt {

std::string CandidateKey(const std::string& source, const TunableChoice& tunables) {
  Sha256 hash;
  hash.Update(source);
  for (const auto& define : TunableDefines(tunables)) hash.Update(std::string(1, '\0') + define);
  return hash.HexDigest();
}

}  // namespace kopt
