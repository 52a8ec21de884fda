// SPDX-License-Identifier: Apache-2.0
// Shape (every list sorted; paths relative to the scan root; lines 1-based):
//   "inventory": {
//     "mode": "fast" | "deep",
//     "summary": {"cpp_files", "cuda_files", "ops", "cuda_only", "cpu_fallback", "composite",
//                 "xla", "unknown", "kernels", "launchers", "device_functions"},
//     "modules":   [{"name", "declared_as", "binding", "path", "line", "ops"}],
//     "ops":       [{"name", "module", "binding", "schema"?, "function"?, "path", "line", "column",
//                    "verdict", "severity", "explanation",
//                    "implementations": [{"backend", "dispatch_key"?, "function", "path"?, "line"?,
//                                         "kernels", "libraries"}],
//                    "routes": [{"route", "note"}],
//                    "python_calls": [{"path", "line", "column", "symbol", "import"}]}],
//     "kernels":   [{"name", "path", "line", "template", "launched_by": [{"function", "path", "line"}],
//                    "ops"}],
//     "launchers": [{"function", "path", "line", "kernels"}]
//   }
#include "analyzer/cpp/inventory_json.h"

namespace tpu::cpp {
namespace {

using Json = nlohmann::ordered_json;

void put_location(Json& object, const InventoryLocation& at, bool column) {
  if (at.path.empty()) return;
  object["path"] = at.path;
  object["line"] = at.line;
  if (column) object["column"] = at.column;
}

Json function_ref(const InventoryFunctionRef& ref) {
  Json object;
  object["function"] = ref.function;
  put_location(object, ref.at, false);
  return object;
}

}  // namespace

Json inventory_json(const Inventory& inventory) {
  Json out;
  out["mode"] = inventory.mode;
  // Every verdict inventory.cc gives, counted under its name ("cuda-only" -> "cuda_only");
  // anything else is unknown.
  static constexpr std::string_view kVerdicts[] = {"cuda-only", "accelerator-only", "cpu-fallback",
                                                   "composite", "xla", "unknown"};
  size_t verdicts[std::size(kVerdicts)] = {};
  for (const InventoryOp& op : inventory.ops) {
    size_t v = 0;
    while (v + 1 < std::size(kVerdicts) && kVerdicts[v] != op.verdict) ++v;
    ++verdicts[v];
  }
  out["summary"] = {{"cpp_files", inventory.cpp_files},       {"cuda_files", inventory.cuda_files},
                    {"ops", inventory.ops.size()},            {"cuda_only", verdicts[0]},
                    {"accelerator_only", verdicts[1]},        {"cpu_fallback", verdicts[2]},
                    {"composite", verdicts[3]},               {"xla", verdicts[4]},
                    {"unknown", verdicts[5]},
                    {"kernels", inventory.kernels.size()},    {"launchers", inventory.launchers.size()},
                    {"device_functions", inventory.device_functions}};

  Json modules = Json::array();
  for (const InventoryModule& module : inventory.modules) {
    Json m;
    m["name"] = module.name;
    m["declared_as"] = module.declared_as;
    m["binding"] = module.binding;
    put_location(m, module.at, false);
    m["ops"] = module.ops;
    modules.push_back(std::move(m));
  }
  out["modules"] = std::move(modules);

  Json ops = Json::array();
  for (const InventoryOp& op : inventory.ops) {
    Json o;
    o["name"] = op.name;
    o["module"] = op.module;
    o["binding"] = op.binding;
    if (!op.schema.empty()) o["schema"] = op.schema;
    if (!op.function.empty()) o["function"] = op.function;
    put_location(o, op.at, true);
    o["verdict"] = op.verdict;
    o["severity"] = std::string(to_string(op.severity));
    o["explanation"] = op.explanation;
    Json impls = Json::array();
    for (const InventoryImplementation& impl : op.implementations) {
      Json i;
      i["backend"] = impl.backend;
      if (!impl.dispatch_key.empty()) i["dispatch_key"] = impl.dispatch_key;
      i["function"] = impl.function;
      put_location(i, impl.at, false);
      i["kernels"] = impl.kernels;
      i["libraries"] = impl.libraries;
      impls.push_back(std::move(i));
    }
    o["implementations"] = std::move(impls);
    Json routes = Json::array();
    for (const InventoryRoute& route : op.routes) routes.push_back({{"route", route.route}, {"note", route.note}});
    o["routes"] = std::move(routes);
    Json calls = Json::array();
    for (const InventoryCall& call : op.python_calls) {
      Json c;
      put_location(c, call.at, true);
      c["symbol"] = call.symbol;
      c["import"] = call.is_import;
      calls.push_back(std::move(c));
    }
    o["python_calls"] = std::move(calls);
    ops.push_back(std::move(o));
  }
  out["ops"] = std::move(ops);

  Json kernels = Json::array();
  for (const InventoryKernel& kernel : inventory.kernels) {
    Json k;
    k["name"] = kernel.name;
    put_location(k, kernel.at, false);
    k["template"] = kernel.is_template;
    Json by = Json::array();
    for (const InventoryFunctionRef& ref : kernel.launched_by) by.push_back(function_ref(ref));
    k["launched_by"] = std::move(by);
    k["ops"] = kernel.ops;
    kernels.push_back(std::move(k));
  }
  out["kernels"] = std::move(kernels);

  Json launchers = Json::array();
  for (const InventoryLauncher& launcher : inventory.launchers) {
    Json l = function_ref(launcher.function);
    l["kernels"] = launcher.kernels;
    launchers.push_back(std::move(l));
  }
  out["launchers"] = std::move(launchers);
  return out;
}

}  // namespace tpu::cpp
