// SPDX-License-Identifier: Apache-2.0
// Small queries several rule families share.
#pragma once

#include <functional>
#include <initializer_list>
#include <vector>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/python/module_view.h"

namespace tpu::python {

/// The string an expression holds: a literal, or a name assigned a literal.
std::optional<std::string> string_constant(const ModuleView& view, TSNode node,
                                           const Context& context);

/// True for the literal `True` (or a name assigned `True`).
bool is_true(const ModuleView& view, TSNode node, const Context& context);

/// Every read or write of an environment variable whose name is a literal:
/// os.environ["X"], os.environ.get("X"), os.getenv("X"), os.environ.setdefault("X", …),
/// os.environ.pop("X"), os.putenv("X", …). Calls `visit(name_node, variable_name, context)`.
void for_each_env_access(const ModuleView& view,
                         const std::function<void(TSNode, std::string_view, const Context&)>& visit);

/// The source text of each positional argument of `call`.
std::vector<std::string> positional_texts(const ModuleView& view, const Call& call);

/// The text between the parentheses of `call` ("" for `f()`), for fixes that keep the
/// arguments as they are and only change the callee.
std::string argument_list_text(const ModuleView& view, const Call& call);

/// The quote a replacement may use for a string literal at `node`: `'` inside an f-string
/// delimited by `"` (the same quote would end it before Python 3.12), else `"`.
std::string free_quote(const ModuleView& view, TSNode node);

/// ", name=value" for each keyword argument of `call` not in `drop`, in source order —
/// what a replacement call keeps of the original's options.
std::string kept_keywords(const ModuleView& view, const Call& call,
                          std::initializer_list<std::string_view> drop);

/// The simple statement that holds `node` (an expression_statement), or null.
TSNode enclosing_statement(TSNode node);

/// "sole" when `statement` is the only statement of its block (removing it would leave the
/// block empty, so the rewriter writes `pass`), else "".
std::string sole_marker(TSNode statement);

/// The TPU way for a message, the chosen target's first: "Y (PyTorch/XLA: X)" on TorchTPU and
/// the non-TPU targets, "X (TorchTPU: Y)" on PyTorch/XLA (`target` "xla").
std::string target_way(std::string_view target, std::string_view xla_way, std::string_view torchtpu_way);

/// `prefix` itself or a dotted name below it: has_prefix("torch.cuda.x", "torch.cuda").
inline bool has_prefix(std::string_view name, std::string_view prefix) {
  return name.starts_with(prefix) &&
         (name.size() == prefix.size() || name[prefix.size()] == '.');
}

/// A CUDA-graph API (`torch.cuda.graph`, `CUDAGraph`, `make_graphed_callables`, the graph memory
/// pool, capture queries): torch-compile's per the spec, not cuda-api's.
inline bool is_cuda_graph_api(std::string_view q) {
  return has_prefix(q, "torch.cuda.graph") || has_prefix(q, "torch.cuda.graphs") ||
         has_prefix(q, "torch.cuda.CUDAGraph") || has_prefix(q, "torch.cuda.make_graphed_callables") ||
         has_prefix(q, "torch.cuda.graph_pool_handle") ||
         has_prefix(q, "torch.cuda.is_current_stream_capturing");
}

/// A bare module name the way CUDA builds name their compiled modules: `*_cuda`, `*_cuda_lib`,
/// `*_C` (`scaled_softmax_cuda`, `xentropy_cuda_lib`, `amp_C`), not `_C` alone (a package's own
/// extension, custom-extension's). Only a name without dots: `pkg.ops_cuda` is a package's module.
inline bool is_named_like_compiled_cuda_module(std::string_view name) {
  if (name.empty() || name.find('.') != std::string_view::npos || name.starts_with("_")) return false;
  return name.ends_with("_cuda") || name.ends_with("_cuda_lib") ||
         (name.ends_with("_C") && name.size() > 2);
}

}  // namespace tpu::python
