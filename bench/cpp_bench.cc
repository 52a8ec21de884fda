// SPDX-License-Identifier: Apache-2.0
// tpu_cpp_bench: scans a tree's C++/CUDA files in fast or deep mode and prints the wall time
// and per-file parse times (bench/cpp_bench.sh runs it beside ripgrep). With --findings or
// --inventory it prints those instead, for comparing the modes.
//
//   tpu_cpp_bench [--mode fast|deep] [--jobs N] [-p DIR] [--timeout-ms N] [--findings] [--inventory] ROOT
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "analyzer/cpp/inventory_json.h"
#include "analyzer/scan.h"

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

int usage() {
  std::cerr << "usage: tpu_cpp_bench [--mode fast|deep] [--jobs N] [-p DIR] [--timeout-ms N] "
               "[--findings] [--inventory] ROOT\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  tpu::ScanOptions options;
  options.cpp_mode = tpu::cpp::CppMode::Fast;
  std::string root;
  bool findings = false, inventory = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--mode") {
      std::string mode = value();
      options.cpp_mode = mode == "deep" ? tpu::cpp::CppMode::Deep
                         : mode == "auto" ? tpu::cpp::CppMode::Auto
                                          : tpu::cpp::CppMode::Fast;
    } else if (arg == "--jobs") {
      options.jobs = static_cast<unsigned>(std::atoi(value().c_str()));
    } else if (arg == "-p") {
      options.compile_commands_dir = value();
    } else if (arg == "--timeout-ms") {
      options.cpp_file_timeout_ms = static_cast<uint32_t>(std::atoi(value().c_str()));
    } else if (arg == "--findings") {
      findings = true;
    } else if (arg == "--inventory") {
      inventory = true;
    } else if (!arg.empty() && arg[0] != '-') {
      root = arg;
    } else {
      return usage();
    }
  }
  if (root.empty()) return usage();

  auto start = std::chrono::steady_clock::now();
  tpu::ScanResult result = tpu::scan(root, options);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (findings) {
    for (const tpu::Finding& f : result.findings)
      std::cout << f.location.path << ":" << f.location.line << ":" << f.location.column << " " << f.rule << " "
                << tpu::to_string(f.severity) << " " << f.symbol << "\n";
    return 0;
  }
  if (inventory) {
    std::cout << tpu::cpp::inventory_json(result.inventory).dump(2) << "\n";
    return 0;
  }
  const tpu::CppStats& stats = result.cpp_stats;
  double total = 0;
  for (double ms : stats.parse_ms) total += ms;
  std::printf("mode           %s\n", stats.mode.c_str());
  if (!stats.flags_source.empty()) std::printf("flags          %s\n", stats.flags_source.c_str());
  std::printf("files          %zu (%zu with a syntax tree)\n", stats.files, stats.with_tree);
  std::printf("bytes          %llu\n", static_cast<unsigned long long>(result.bytes_scanned));
  std::printf("wall           %.3f s\n", wall);
  std::printf("parse ms/file  median %.2f  p90 %.2f  max %.2f  mean %.2f\n", percentile(stats.parse_ms, 0.5),
              percentile(stats.parse_ms, 0.9), percentile(stats.parse_ms, 1.0),
              stats.parse_ms.empty() ? 0.0 : total / static_cast<double>(stats.parse_ms.size()));
  std::printf("findings       %zu\n", result.findings.size());
  std::printf("errors         %zu\n", result.errors.size());
  for (const tpu::InputError& error : result.errors)
    std::printf("  %s:%u: %s\n", error.path.c_str(), error.line, error.message.c_str());
  std::printf("inventory      %zu ops, %zu kernels, %zu launchers\n", result.inventory.ops.size(),
              result.inventory.kernels.size(), result.inventory.launchers.size());
  return 0;
}
