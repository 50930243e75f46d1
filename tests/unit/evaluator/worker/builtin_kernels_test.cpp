// SPDX-License-Identifier: Apache-2.0
// kopt's own device code compiles with NVRTC (no GPU needed), and the ceiling probes keep
// everything in registers, so they measure the hardware rather than spills.
#include "evaluator/worker/builtin_kernels.h"

#include "evaluator/nvrtc_compiler.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kopt {
namespace {

TEST(BuiltinKernelsTest, CompileForHopperWithoutSpills) {
  NvrtcCompiler compiler("", /*sandbox_binary=*/"");  // kopt's own kernels
  CompileRequest request;
  request.source = std::string(kBuiltinKernelSource);
  request.file = "kopt_builtins.cu";
  request.arch = "sm_90a";
  CompileOutput out = compiler.Compile(request);
  ASSERT_TRUE(out.ok) << out.info.log;
  for (const char* name : {"kopt_peak_read", "kopt_peak_copy", "kopt_peak_fma", "kopt_clock",
                           "kopt_checksum", "kopt_fill_bf16"}) {
    auto it = std::find_if(out.info.kernels.begin(), out.info.kernels.end(),
                           [&](const KernelResources& k) { return k.kernel == name; });
    ASSERT_NE(it, out.info.kernels.end()) << name << "\n" << out.info.log;
    EXPECT_EQ(it->spill_store_bytes, 0) << name;
    EXPECT_EQ(it->local_bytes, 0) << name;
  }
}

}  // namespace
}  // namespace kopt
