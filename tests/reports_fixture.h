// SPDX-License-Identifier: Apache-2.0
// One Report built in code, shared by the renderer tests and goldens: a few findings of
// every severity (with awkward text: pipes, markup, quotes), ops of every status, an input
// error, fingerprints and excerpts, so that no golden depends on the analyzer's rules.
#pragma once

#include <string>

#include "reports/baseline.h"
#include "reports/report.h"

namespace tpu::testing {

inline Finding make_finding(std::string rule, Category category, Severity severity, std::string path,
                            uint32_t line, uint32_t column, std::string symbol, std::string message) {
  Finding finding;
  finding.rule = std::move(rule);
  finding.category = category;
  finding.severity = severity;
  finding.location = Location{std::move(path), line, column, line, column + static_cast<uint32_t>(symbol.size()), 0, 0};
  finding.symbol = std::move(symbol);
  finding.message = std::move(message);
  return finding;
}

inline reports::Report sample_report() {
  reports::Report report;
  report.root = "repo";
  report.profile = "xla";
  report.seconds = 0.25;
  ScanResult& scan = report.scan;
  scan.files_scanned = 4;
  scan.python_files = 4;

  Finding pin = make_finding("TPU800", Category::Dataloading, Severity::Info, "data.py", 84, 20, "pin_memory",
                             "pin_memory=True pins host memory for CUDA copies");
  pin.fix = Fix{Applicability::Safe, "Drop pin_memory", {}};
  scan.findings.push_back(pin);
  scan.findings.push_back(make_finding("TPU500", Category::ThirdPartyCudaLib, Severity::Blocker, "model.py", 7, 1,
                                       "flash_attn", "`flash_attn` is CUDA-only | use the XLA flash attention kernel"));
  scan.findings.push_back(make_finding("TPU901", Category::UnsupportedOp, Severity::Blocker, "model.py", 40, 13,
                                       "aten::_sparse_mm", "`torch.sparse.mm` runs aten::_sparse_mm, which cannot run on a TPU"));
  Finding nccl = make_finding("TPU200", Category::Distributed, Severity::Warning, "train.py", 12, 5, "nccl",
                              "NCCL is CUDA-only; use the \"xla\" backend");
  nccl.fix = Fix{Applicability::Safe, "Use the xla backend", {Edit{"train.py", 301, 307, "\"xla\"", 12, 33, 12, 39}}};
  scan.findings.push_back(nccl);
  for (uint32_t line : {30u, 31u}) {
    Finding cuda = make_finding("TPU101", Category::DevicePlacement, Severity::Warning, "train.py", line, 9, ".cuda()",
                                "`.cuda()` pins the tensor to a CUDA device");
    cuda.fix = Fix{Applicability::Unsafe, "Replace `.cuda()` with `.to(device)`", {}};
    scan.findings.push_back(cuda);
  }
  scan.findings.push_back(make_finding("TPU110", Category::CudaApi, Severity::Warning, "train.py", 55, 5,
                                       "torch.cuda.synchronize", "<script>alert('x')</script> & torch.cuda.synchronize()"));

  scan.ops = {
      OpUse{"aten::add.Tensor", "decomposed", "decomposes into lowered ops", {"static"}, 3, {Location{"train.py", 20}}},
      OpUse{"aten::mm", "lowered", "XLA lowering", {"static"}, 2, {Location{"model.py", 33}}},
      OpUse{"aten::_sparse_mm", "unsupported", "no XLA lowering and no CPU kernel", {"static"}, 1, {Location{"model.py", 40}}},
      OpUse{"aten::nonzero", "fallback", "runs on the CPU", {"static"}, 1, {Location{"train.py", 70}}},
  };
  scan.errors.push_back(InputError{"broken.py", 3, "syntax error: unexpected indent"});

  reports::summarize(report);
  // Context as attach_sources() would give it, without files on disk.
  report.context.resize(scan.findings.size());
  for (size_t i = 0; i < scan.findings.size(); ++i) {
    const Finding& finding = scan.findings[i];
    reports::FindingContext& context = report.context[i];
    context.line_text = "line " + std::to_string(finding.location.line) + " of " + finding.location.path;
    context.fingerprint = reports::fingerprint(report, finding, context.line_text);
    context.excerpt.first_line = finding.location.line > 1 ? finding.location.line - 1 : 1;
    for (uint32_t n = context.excerpt.first_line; n <= finding.location.line + 1; ++n)
      context.excerpt.lines.push_back(n == finding.location.line ? "    " + context.line_text + "  # <b>hit</b>"
                                                                 : "    # context " + std::to_string(n));
  }
  return report;
}

/// The golden file tests/reports/NAME (compared with CHECK_GOLDEN, tests/golden_support.h).
inline std::string report_golden(const std::string& name) {
  return std::string(TPU_SOURCE_DIR) + "/tests/reports/" + name;
}

/// Replaces every occurrence of `what` in `text` with `with` (goldens redact the version).
inline std::string redact(std::string text, const std::string& what, const std::string& with) {
  for (size_t at = text.find(what); !what.empty() && at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
  return text;
}

}  // namespace tpu::testing
