// SPDX-License-Identifier: Apache-2.0
#include "core/evaluator.h"

#include "core/sha256.h"

namespace kopt {

std::string CandidateKey(const std::string& source, const TunableChoice& tunables) {
  // A NUL cannot occur in a source NVRTC accepts, so the two parts cannot run together.
  return Sha256()
      .Update(source)
      .Update(std::string_view("\0", 1))
      .Update(TunablesToJson(tunables).dump())
      .HexDigest();
}

}  // namespace kopt
