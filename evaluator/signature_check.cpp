// SPDX-License-Identifier: Apache-2.0
#include "evaluator/signature_check.h"

#include <regex>
#include <set>
#include <sstream>
#include <vector>

namespace kopt {
namespace {

// Type traits of their own: NVRTC has no <type_traits> without the CCCL headers, which cost
// seconds to compile.
constexpr std::string_view kTraits = R"(namespace kopt_signature {
template <int I, class... A> struct Nth { using type = void; };
template <class H, class... T> struct Nth<0, H, T...> { using type = H; };
template <int I, class H, class... T> struct Nth<I, H, T...> { using type = typename Nth<I - 1, T...>::type; };
template <class F> struct Params { static constexpr int count = -1; template <int I> using At = void; };
template <class... A> struct Params<void(A...)> {
  static constexpr int count = sizeof...(A);
  template <int I> using At = typename Nth<I, A...>::type;
};
template <class T> struct IsPointer { static constexpr bool value = false; };
template <class T> struct IsPointer<T*> { static constexpr bool value = true; };
template <class T> struct IsInteger { static constexpr bool value = false; };
#define KOPT_SIGNATURE_INTEGER(T) template <> struct IsInteger<T> { static constexpr bool value = true; };
KOPT_SIGNATURE_INTEGER(signed char) KOPT_SIGNATURE_INTEGER(unsigned char) KOPT_SIGNATURE_INTEGER(char)
KOPT_SIGNATURE_INTEGER(short) KOPT_SIGNATURE_INTEGER(unsigned short) KOPT_SIGNATURE_INTEGER(int)
KOPT_SIGNATURE_INTEGER(unsigned int) KOPT_SIGNATURE_INTEGER(long) KOPT_SIGNATURE_INTEGER(unsigned long)
KOPT_SIGNATURE_INTEGER(long long) KOPT_SIGNATURE_INTEGER(unsigned long long)
#undef KOPT_SIGNATURE_INTEGER
template <class A, class B> struct IsSame { static constexpr bool value = false; };
template <class A> struct IsSame<A, A> { static constexpr bool value = true; };
template <class T> struct Bytes { static constexpr int value = sizeof(T); };
template <> struct Bytes<void> { static constexpr int value = 0; };
template <class T> struct Align { static constexpr int value = alignof(T); };
template <> struct Align<void> { static constexpr int value = 0; };
}  // namespace kopt_signature
)";

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The condition a parameter must meet for `arg`, and what the message calls it.
std::pair<std::string, std::string> Requirement(const LaunchArg& arg, const std::string& type) {
  switch (arg.kind) {
    case LaunchArg::Kind::kTensor:
      return {"kopt_signature::IsPointer<" + type + ">::value",
              "a pointer: the launch block passes tensor '" + arg.name + "'"};
    case LaunchArg::Kind::kWorkspace:
      return {"kopt_signature::IsPointer<" + type + ">::value",
              "a pointer: the launch block passes workspace '" + arg.name + "'"};
    case LaunchArg::Kind::kInt32:
      return {"kopt_signature::IsInteger<" + type + ">::value && kopt_signature::Bytes<" + type +
                  ">::value == 4",
              "a 32-bit integer (int): the launch block passes '" + arg.name +
                  "' as an int (write \"i64:" + arg.name + "\" to pass a long long)"};
    case LaunchArg::Kind::kInt64:
      return {"kopt_signature::IsInteger<" + type + ">::value && kopt_signature::Bytes<" + type +
                  ">::value == 8",
              "a 64-bit integer (long long): the launch block passes '" + arg.name + "'"};
    case LaunchArg::Kind::kTensorMap:
      return {"!kopt_signature::IsPointer<" + type + ">::value && kopt_signature::Bytes<" + type +
                  ">::value == 128 && kopt_signature::Align<" + type + ">::value >= 64",
              "a CUtensorMap passed by value (const __grid_constant__ CUtensorMap, from "
              "<kopt/tma.h>): the launch block passes tensor map '" +
                  arg.name + "'"};
    case LaunchArg::Kind::kScalar:
      break;
  }
  std::string dtype(DTypeName(arg.scalar_dtype));
  if (arg.scalar_dtype == DType::kF32 || arg.scalar_dtype == DType::kF64) {
    std::string want = arg.scalar_dtype == DType::kF32 ? "float" : "double";
    return {"kopt_signature::IsSame<" + type + ", " + want + ">::value",
            want + ": the launch block passes scalar '" + arg.name + "' (" + dtype + ")"};
  }
  return {"!kopt_signature::IsPointer<" + type + ">::value && kopt_signature::Bytes<" + type +
              ">::value == " + std::to_string(DTypeSize(arg.scalar_dtype)),
          "a " + std::to_string(DTypeSize(arg.scalar_dtype)) +
              "-byte value: the launch block passes scalar '" + arg.name + "' (" + dtype + ")"};
}

const std::regex& DiagnosticLine() {
  static const std::regex kLine(
      R"(^(.+)\((\d+)\): (catastrophic error|error|warning|remark)(.*)$)");
  return kLine;
}

}  // namespace

namespace {

void AppendChecks(const LaunchPlan& plan, const std::string& prefix, std::ostringstream& out) {
  for (std::size_t i = 0; i < plan.launches.size(); ++i) {
    const ResolvedLaunch& l = plan.launches[i];
    std::string params = "kopt_signature::Params<decltype(" + l.kernel + ")>";
    std::string where = "kopt-signature: kernel '" + l.kernel + "' (" + prefix + "launch[" +
                        std::to_string(i) + "]): ";
    std::string names;
    for (const auto& a : l.args) names += (names.empty() ? "" : ", ") + a.name;
    out << "static_assert(" << params << "::count == " << l.args.size() << ", \""
        << Escape(where + "takes a different number of parameters than the " +
                  std::to_string(l.args.size()) + " the launch block passes (" + names + ")")
        << "\");\n";
    for (std::size_t a = 0; a < l.args.size(); ++a) {
      std::string type = "typename " + params + "::template At<" + std::to_string(a) + ">";
      auto [condition, wanted] = Requirement(l.args[a], type);
      out << "static_assert(" << params << "::count != " << l.args.size() << " || (" << condition
          << "), \"" << Escape(where + "parameter " + std::to_string(a + 1) + " must be " + wanted)
          << "\");\n";
    }
  }
}

}  // namespace

std::string SignatureCheckSource(const LaunchPlan& plan) {
  return SignatureCheckSource(std::vector<LaunchPlan>{plan}, LaunchBlock{});
}

std::string SignatureCheckSource(const std::vector<LaunchPlan>& plans, const LaunchBlock& block) {
  std::ostringstream out;
  out << "\n#line 1 \"" << kSignatureCheckFile << "\"\n" << kTraits;
  for (const LaunchPlan& plan : plans) {
    std::string prefix =
        block.has_variants ? "variants[" + std::to_string(plan.variant) + "]." : "";
    AppendChecks(plan, prefix, out);
  }
  return out.str();
}

std::optional<std::string> MissingKernel(const LaunchBlock& block,
                                         const std::vector<KernelResources>& kernels) {
  if (kernels.empty()) return std::nullopt;  // no entry list from ptxas: nothing to judge by
  for (const LaunchSpec* spec : AllLaunches(block)) {
    const LaunchSpec& launch = *spec;
    bool found = false;
    std::string mangled;
    for (const KernelResources& k : kernels) {
      found |= k.kernel == launch.kernel;
      // An Itanium-mangled name holds the plain name after its length: _Z4copyPKfPfi.
      std::string part = std::to_string(launch.kernel.size()) + launch.kernel;
      if (k.kernel.starts_with("_Z") && k.kernel.find(part) != std::string::npos) {
        mangled = k.kernel;
      }
    }
    if (found) continue;
    std::string message = "the compiled module has no kernel named '" + launch.kernel + "'";
    if (!mangled.empty()) {
      message += ": it was compiled as '" + mangled + "', so declare it extern \"C\" __global__";
    }
    return message;
  }
  return std::nullopt;
}

std::optional<std::string> SignatureMismatch(const std::string& compile_log) {
  static const std::regex kAssertion(R"(static assertion failed with \"kopt-signature: (.*)\"$)");
  static const std::regex kUndefined(R"(identifier \"([A-Za-z_][A-Za-z0-9_]*)\" is undefined)");
  std::vector<std::string> missing, mismatches;
  std::istringstream lines(compile_log);
  std::string line;
  std::smatch m, detail;
  while (std::getline(lines, line)) {
    if (!std::regex_search(line, m, DiagnosticLine())) continue;
    if (m[3].str().find("error") == std::string::npos) continue;
    if (m[1].str() != kSignatureCheckFile) return std::nullopt;  // the candidate's own error
    std::string rest = m[4].str();
    if (std::regex_search(rest, detail, kUndefined)) {
      missing.push_back(detail[1].str());
    } else if (std::regex_search(rest, detail, kAssertion)) {
      mismatches.push_back(detail[1].str());
    } else {
      mismatches.push_back("the kernel's parameters do not fit the launch block");
    }
  }
  if (missing.empty() && mismatches.empty()) return std::nullopt;
  std::set<std::string> seen;
  std::string message;
  auto add = [&](const std::string& text) {
    if (seen.insert(text).second) message += (message.empty() ? "" : "; ") + text;
  };
  for (const auto& name : missing) {
    add("no kernel named '" + name +
        "' is declared at global scope; declare it extern \"C\" __global__ outside any namespace");
  }
  for (const auto& text : mismatches) {
    bool about_missing = false;
    for (const auto& name : missing) {
      about_missing = about_missing || text.rfind("kernel '" + name + "'", 0) == 0;
    }
    if (!about_missing) add(text);
  }
  return "the kernel's signature does not match its launch block: " + message;
}

std::string WithoutSignatureDiagnostics(const std::string& log) {
  std::istringstream lines(log);
  std::string line, out;
  bool skipping = false;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, DiagnosticLine())) skipping = m[1].str() == kSignatureCheckFile;
    if (!skipping) out += line + "\n";
  }
  return out;
}

}  // namespace kopt
