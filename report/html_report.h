// SPDX-License-Identifier: Apache-2.0
// The report as one self-contained HTML file: no script, no network at view time (charts are
// inline SVG), every stored text escaped, and a Content-Security-Policy that allows nothing but
// its own stylesheet (by hash) so that even a text that escaped escaping could not run.
#pragma once

#include "report/report_data.h"

#include <string>

namespace kopt {

std::string RenderReport(const ReportData& data);

/// The policy the report sets: default-src 'none', its <style> by SHA-256.
std::string ReportContentSecurityPolicy(const std::string& stylesheet);

}  // namespace kopt
