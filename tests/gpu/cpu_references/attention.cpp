// SPDX-License-Identifier: Apache-2.0
// CPU references of the attention and LLM-serving tasks (prefill and decode attention, rotary
// embedding, merging attention states, embedding lookup), in double.
#include "tests/gpu/cpu_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kopt::testing {
namespace {

// softmax(scale * q . k_j) . v_j over keys [0, n), with q at `q`, key j at k + j*d, value j at
// v + j*d; the result goes to out[0, d).
void AttendOneQuery(const double* q, const double* k, const double* v, std::int64_t n,
                    std::int64_t d, double scale, double* out) {
  std::vector<double> scores(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) {
    double dot = 0;
    for (std::int64_t e = 0; e < d; ++e) dot += q[e] * k[j * d + e];
    scores[j] = scale * dot;
  }
  const double max = *std::max_element(scores.begin(), scores.end());
  double total = 0;
  for (double& s : scores) total += (s = std::exp(s - max));
  for (std::int64_t e = 0; e < d; ++e) {
    double acc = 0;
    for (std::int64_t j = 0; j < n; ++j) acc += scores[j] * v[j * d + e];
    out[e] = acc / total;
  }
}

// Causal prefill, [B, H, S, D]: query i sees keys 0..i of its own (b, h).
void CausalPrefill(CpuCase& c) {
  const std::int64_t heads = c.sym("B") * c.sym("H"), s = c.sym("S"), d = c.sym("D");
  const auto& q = c.in("Q");
  const auto& k = c.in("K");
  const auto& v = c.in("V");
  auto& o = c.out("O");
  for (std::int64_t bh = 0; bh < heads; ++bh) {
    const std::int64_t base = bh * s * d;
    for (std::int64_t i = 0; i < s; ++i) {
      AttendOneQuery(&q[base + i * d], &k[base], &v[base], i + 1, d, c.scalar("scale"),
                     &o[base + i * d]);
    }
  }
}

// Decode over a contiguous cache [B, HKV, S_MAX, D] with grouped query heads.
void DecodeGqa(CpuCase& c) {
  const std::int64_t batch = c.sym("B"), hq = c.sym("HQ"), hkv = c.sym("HKV");
  const std::int64_t s_max = c.sym("S_MAX"), d = c.sym("D");
  const std::int64_t group = hq / hkv;  // query heads per KV head
  const auto& q = c.in("Q");
  const auto& k = c.in("K");
  const auto& v = c.in("V");
  const auto& lens = c.in("lens");
  auto& o = c.out("O");
  for (std::int64_t b = 0; b < batch; ++b) {
    const auto len = static_cast<std::int64_t>(lens[b]);
    for (std::int64_t h = 0; h < hq; ++h) {
      const std::int64_t cache = (b * hkv + h / group) * s_max * d;
      const std::int64_t row = (b * hq + h) * d;
      AttendOneQuery(&q[row], &k[cache], &v[cache], len, d, c.scalar("scale"), &o[row]);
    }
  }
}

// Half-split rotary embedding of one [T, heads, D] tensor.
void RotateHalves(const std::vector<double>& x, const std::vector<double>& positions,
                  std::int64_t tokens, std::int64_t heads, std::int64_t d, double base,
                  std::vector<double>& y) {
  const std::int64_t half = d / 2;
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t row = (t * heads + h) * d;
      for (std::int64_t i = 0; i < half; ++i) {
        const double theta = positions[t] * std::pow(base, -2.0 * i / d);
        const double first = x[row + i], second = x[row + half + i];
        y[row + i] = first * std::cos(theta) - second * std::sin(theta);
        y[row + half + i] = second * std::cos(theta) + first * std::sin(theta);
      }
    }
  }
}

void RopeNeox(CpuCase& c) {
  const std::int64_t t = c.sym("T"), d = c.sym("D");
  const auto& positions = c.in("positions");
  RotateHalves(c.in("Q"), positions, t, c.sym("HQ"), d, c.scalar("base"), c.out("Q_out"));
  RotateHalves(c.in("K"), positions, t, c.sym("HKV"), d, c.scalar("base"), c.out("K_out"));
}

// Two softmax states over disjoint key sets: the merged state is their LSE-weighted average.
void MergeStates(CpuCase& c) {
  const std::int64_t rows = c.sym("T") * c.sym("H"), d = c.sym("D");
  const auto& va = c.in("V_a");
  const auto& vb = c.in("V_b");
  const auto& sa = c.in("S_a");
  const auto& sb = c.in("S_b");
  auto& v_out = c.out("V_out");
  auto& s_out = c.out("S_out");
  for (std::int64_t r = 0; r < rows; ++r) {
    const double lse = std::log(std::exp(sa[r]) + std::exp(sb[r]));
    s_out[r] = lse;
    const double wa = std::exp(sa[r] - lse), wb = std::exp(sb[r] - lse);
    for (std::int64_t e = 0; e < d; ++e) v_out[r * d + e] = wa * va[r * d + e] + wb * vb[r * d + e];
  }
}

void EmbeddingGather(CpuCase& c) {
  const std::int64_t tokens = c.sym("T"), d = c.sym("D");
  const auto& ids = c.in("ids");
  const auto& table = c.in("table");
  auto& out = c.out("out");
  for (std::int64_t t = 0; t < tokens; ++t) {
    const auto id = static_cast<std::int64_t>(ids[t]);
    std::copy_n(table.begin() + id * d, d, out.begin() + t * d);
  }
}

}  // namespace

KOPT_CPU_REFERENCE(attn_prefill_causal_d64, CausalPrefill, {{"B", 1}, {"H", 2}, {"S", 150}});
KOPT_CPU_REFERENCE(attn_prefill_causal_d128, CausalPrefill, {{"B", 1}, {"H", 2}, {"S", 100}});
KOPT_CPU_REFERENCE(attn_decode_gqa, DecodeGqa, {{"B", 3}, {"HQ", 4}, {"HKV", 2}, {"S_MAX", 4096}});
KOPT_CPU_REFERENCE(rope_neox_bf16, RopeNeox, {{"T", 37}, {"HQ", 3}, {"HKV", 1}, {"D", 128}});
KOPT_CPU_REFERENCE(merge_attn_states_bf16, MergeStates, {{"T", 37}, {"H", 3}, {"D", 80}});
KOPT_CPU_REFERENCE(embedding_gather_bf16, EmbeddingGather, {{"T", 300}, {"D", 8}});

}  // namespace kopt::testing
