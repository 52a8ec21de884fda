// SPDX-License-Identifier: Apache-2.0
// dynamic-shape-hazard: code that forces a host sync or an XLA recompilation — `.item()`,
// `.tolist()`, `.cpu()`/`.numpy()`/`print` of tensors inside a step, ops whose output shape
// depends on data (nonzero, unique, masked_select), boolean-mask indexing, and Python
// control flow on tensor values.
#include <array>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU600", .name = "item-in-step", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "`.item()` inside a training or evaluation step",
     .rationale = "`.item()` copies a device value to the host and waits for the device "
                  "(aten::_local_scalar_dense), once per call; on PyTorch/XLA it also cuts and "
                  "runs the lazy graph, and TorchTPU's fused eager mode has to materialise.",
     .tpu_way = "Keep values on the device and read them every N steps (PyTorch/XLA: after "
                "`torch_xla.sync()` or in `xm.add_step_closure`).",
     .before = "for x, y in loader:\n    ...\n    print(loss.item())",
     .after = "for step, (x, y) in enumerate(loader):\n    ...\n"
              "    if step % 50 == 0: print(loss.item())"},
    {.code = "TPU601", .name = "tolist-in-step", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "`.tolist()` inside a step",
     .rationale = "Like `.item()`, it copies device data to the host and waits.",
     .tpu_way = "Move the conversion out of the step (PyTorch/XLA: or into `xm.add_step_closure`).",
     .before = "ids = preds.tolist()", .after = "ids = preds  # converted after the loop"},
    {.code = "TPU602", .name = "dynamic-output-op", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "an op whose output shape depends on data (nonzero, unique, masked_select…)",
     .rationale = "TPU programs are compiled for static shapes; these ops force a host sync, a "
                  "CPU fallback or a new compilation whenever the data changes the output size "
                  "(TorchTPU's compile raises on dynamic shapes).",
     .tpu_way = "Use fixed-size forms: `torch.where(mask, x, 0)`, sums of masks, "
                "`torch.topk` (PyTorch/XLA also has bounded dynamic shapes: "
                "XLA_EXPERIMENTAL=\"nonzero:masked_select\").",
     .before = "idx = torch.nonzero(mask)", .after = "x = torch.where(mask, x, torch.zeros_like(x))"},
    {.code = "TPU603", .name = "boolean-mask-index", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "indexing with a boolean mask (`x[x > 0]`)",
     .rationale = "The result's length depends on the data, so each new count is a new compiled "
                  "graph (or a host sync or CPU fallback through nonzero).",
     .tpu_way = "Keep the shape: `torch.where(mask, x, 0)` and masked reductions "
                "(`(x * mask).sum() / mask.sum()`).",
     .before = "valid = preds[labels != -100]",
     .after = "mask = labels != -100\nacc = ((preds == labels) & mask).sum() / mask.sum()"},
    {.code = "TPU604", .name = "tensor-condition", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "Python `if` / `while` on a tensor value",
     .rationale = "Python control flow needs a concrete bool: the device waits (on PyTorch/XLA "
                  "the lazy graph is cut and run) every time the condition is evaluated.",
     .tpu_way = "Use `torch.where` for data-dependent choices, or evaluate the condition every "
                "N steps (PyTorch/XLA: after `torch_xla.sync()`).",
     .before = "if loss < best:\n    best = loss",
     .after = "best = torch.minimum(best, loss)"},
    {.code = "TPU605", .name = "host-transfer-in-step", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "`.cpu()`, `.numpy()` or `print` of a tensor inside a step",
     .rationale = "Copying to the host waits for the device (and on PyTorch/XLA materialises "
                  "the lazy graph).",
     .tpu_way = "Copy every N steps or after the loop (PyTorch/XLA: after `torch_xla.sync()` or "
                "in `xm.add_step_closure`).",
     .before = "probs = logits.softmax(-1).cpu().numpy()",
     .after = "if step % 50 == 0: save(logits.softmax(-1).cpu().numpy())"},
    {.code = "TPU607", .name = "growing-tensor-in-loop", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a tensor grown by `torch.cat` with itself on every loop iteration (a decode loop)",
     .rationale = "Each iteration gives the tensor a new shape, so every op that reads it is a new "
                  "program for the TPU compiler: PyTorch/XLA compiles a new graph per iteration "
                  "(minutes, and memory, for a few hundred tokens), and TorchTPU's compile raises "
                  "on dynamic shapes.",
     .tpu_way = "Preallocate the final size and write each step into it (`buf[:, t] = tok`, or "
                "`index_copy_`), passing the valid length or an attention mask; or pad to a few "
                "fixed lengths.",
     .before = "for _ in range(max_new_tokens):\n    idx = torch.cat((idx, next_token), dim=1)",
     .after = "buf = torch.zeros(b, t0 + max_new_tokens, dtype=idx.dtype, device=idx.device)\n"
              "buf[:, :t0] = idx\nfor t in range(t0, t0 + max_new_tokens):\n    buf[:, t] = next_token[:, 0]"},
};

const RuleMeta& kItem = kRules[0];
const RuleMeta& kTolist = kRules[1];
const RuleMeta& kDynamicOp = kRules[2];
const RuleMeta& kMaskIndex = kRules[3];
const RuleMeta& kCondition = kRules[4];
const RuleMeta& kHostTransfer = kRules[5];
const RuleMeta& kGrowingTensor = kRules[6];

constexpr std::array<std::string_view, 7> kDynamicOps = {
    "nonzero", "unique", "unique_consecutive", "masked_select", "argwhere", "bincount",
    "nonzero_static"};

// Methods whose result is a tensor (so a condition on them is a condition on device data).
// (`.item()` is not here: it returns a Python number, and TPU600 reports the sync itself.)
constexpr std::array<std::string_view, 19> kTensorMethods = {
    "any",  "all",    "sum",    "mean",   "max",  "min", "norm", "abs",  "isnan", "isinf",
    "isfinite", "std", "var",   "prod",   "amax", "amin", "argmax", "argmin", "count_nonzero"};

bool is_dynamic_op_name(std::string_view name) {
  for (std::string_view op : kDynamicOps)
    if (name == op) return name != "nonzero_static";
  return false;
}

bool is_tensor_method(std::string_view name) {
  for (std::string_view method : kTensorMethods)
    if (name == method) return true;
  return false;
}

// Tensor factories that build on the host unless given a device.
bool is_host_factory(std::string_view qualified) {
  return qualified == "torch.tensor" || qualified == "torch.as_tensor" ||
         qualified == "torch.from_numpy" || qualified == "torch.Tensor" ||
         qualified == "torch.ByteTensor" || qualified == "torch.FloatTensor" ||
         qualified == "torch.LongTensor" || qualified == "torch.IntTensor";
}

// True when `node` is known to live on the host: NumPy data, a tensor built without a device
// (`torch.tensor(list(self.deque))`), a `.cpu()`/`.numpy()` copy, and what torch ops and
// methods compute from those. Reading such a value (`.item()`, `if x.any():`) waits for no
// device. Unknown values are not host values. A `.cpu()` on the line itself (`v.cpu().item()`)
// is the device read: only a copy made earlier, into a name, makes the value a host value.
bool is_host_value(const ModuleView& view, TSNode node, const Context& context, int depth = 0,
                   bool through_name = false) {
  if (depth > 6 || is_null(node)) return false;
  node = unparenthesize(node);
  std::string_view type = kind(node);
  if (type == "call") {
    TSNode function = field(node, "function");
    std::string qualified = view.qualify(function);
    if (qualified.starts_with("numpy.")) return true;
    TSNode arguments = field(node, "arguments");
    auto keyword = [&](std::string_view name) {
      for (uint32_t i = 0; i < ts_node_named_child_count(arguments); ++i) {
        TSNode argument = ts_node_named_child(arguments, i);
        if (is(argument, "keyword_argument") && view.text(field(argument, "name")) == name)
          return true;
      }
      return false;
    };
    if (is_host_factory(qualified)) return qualified == "torch.from_numpy" || !keyword("device");
    if (qualified.starts_with("torch.")) {  // torch.mean(torch.tensor(values)): where its input is
      TSNode first = ts_node_named_child(arguments, 0);
      return !is_null(first) && !is(first, "keyword_argument") &&
             is_host_value(view, first, context, depth + 1, through_name);
    }
    if (!qualified.empty() || !is(function, "attribute")) return false;
    std::string_view method = view.text(field(function, "attribute"));
    if (method == "cpu" || method == "numpy") return through_name;
    if (method == "cuda" || method == "to") return false;
    return is_host_value(view, field(function, "object"), context, depth + 1, through_name);
  }
  if (type == "identifier") {
    TSNode value = view.assigned_value(view.text(node), context, ts_node_start_byte(node));
    return !is_null(value) && !ts_node_eq(value, node) &&
           is_host_value(view, value, context, depth + 1, true);
  }
  if (type == "subscript")
    return is_host_value(view, field(node, "value"), context, depth + 1, through_name);
  if (type == "list_comprehension")
    return is_host_value(view, field(node, "body"), context, depth + 1, through_name);
  return false;
}

class TensorGuess {
 public:
  explicit TensorGuess(const ModuleView& view) : view_(view) {}

  // A best-effort guess that `node` is a tensor: torch calls, tensor methods, comparisons of
  // those, and names assigned from them (a loss returned by a criterion included).
  bool is_tensor(TSNode node, const Context& context, int depth = 0) const {
    if (depth > 6 || is_null(node)) return false;
    node = unparenthesize(node);
    std::string_view type = kind(node);
    if (type == "call") {
      TSNode function = field(node, "function");
      std::string qualified = view_.qualify(function);
      if (!qualified.empty()) return is_tensor_function(qualified);
      if (is(function, "attribute"))
        return is_tensor_method(view_.text(field(function, "attribute"))) &&
               !is_host_value(view_, field(function, "object"), context);
      return false;
    }
    if (type == "comparison_operator") {
      // `x is None`, `k in keys`: identity and membership never read device data.
      for (uint32_t i = 0; i < ts_node_child_count(node); ++i) {
        std::string_view op = kind(ts_node_child(node, i));
        if (op == "is" || op == "is not" || op == "in" || op == "not in") return false;
      }
      uint32_t count = ts_node_named_child_count(node);
      // `mode == "linear"`: a tensor is never compared with a string.
      for (uint32_t i = 0; i < count; ++i)
        if (is(ts_node_named_child(node, i), "string")) return false;
      for (uint32_t i = 0; i < count; ++i)
        if (is_tensor(ts_node_named_child(node, i), context, depth + 1)) return true;
      return false;
    }
    if (type == "boolean_operator")
      return is_tensor(field(node, "left"), context, depth + 1) ||
             is_tensor(field(node, "right"), context, depth + 1);
    if (type == "not_operator") return is_tensor(field(node, "argument"), context, depth + 1);
    if (type == "identifier") {
      TSNode value = view_.assigned_value(view_.text(node), context, ts_node_start_byte(node));
      // A parameter not reassigned since: its annotation says (`input_pos: Optional[Tensor]`).
      if (TSNode annotation = parameter_annotation(view_.text(node), context);
          !is_null(annotation) && (is_null(value) || contains(annotation, value)))
        return view_.text(annotation).find("Tensor") != std::string_view::npos;
      if (is_null(value)) return false;
      value = unparenthesize(value);
      // `loss = criterion(logits, y)`: calls of local callables named like a loss — not a
      // getter's or a builtin's result (`loss_scale = getattr(args, "loss_scale", 1.0)`,
      // `get_loss_scale(args)`), which is a setting.
      if (is(value, "call") && view_.text(node).find("loss") != std::string_view::npos &&
          view_.qualify(field(value, "function")).empty() &&
          !returns_setting(view_.text(field(value, "function"))))
        return true;
      return is_tensor(value, context, depth + 1);
    }
    if (type == "subscript") return is_tensor(field(node, "value"), context, depth + 1);
    return false;
  }

 private:
  // A callee whose result is a Python setting, not a tensor: a getter or a builtin conversion.
  static bool returns_setting(std::string_view callee) {
    std::string_view last = callee.substr(callee.rfind('.') + 1);
    if (last.starts_with("get")) return true;
    for (std::string_view builtin : {"int", "float", "str", "bool", "len", "round", "dict", "list",
                                     "tuple", "vars", "hasattr", "isinstance"})
      if (last == builtin) return true;
    return false;
  }

  static bool is_tensor_function(std::string_view qualified) {
    if (!qualified.starts_with("torch.")) return false;
    // Predicates and queries return Python values: torch.xpu.is_available(), torch.is_tensor().
    std::string_view last = qualified.substr(qualified.rfind('.') + 1);
    if (last.starts_with("is_") || last.starts_with("get_") || last.starts_with("has_")) return false;
    for (std::string_view prefix : {"torch.xpu", "torch.mps", "torch.npu", "torch.version",
                                    "torch.__version__", "torch.accelerator"})
      if (qualified.starts_with(prefix)) return false;
    for (std::string_view prefix : {"torch.cuda", "torch.backends", "torch.distributed",
                                    "torch.utils", "torch.jit", "torch.nn.Module", "torch.optim",
                                    "torch.export", "torch.fx", "torch._dynamo", "torch._inductor",
                                    "torch.library", "torch.hub", "torch.profiler",
                                    "torch.multiprocessing", "torch.testing",
                                    "torch.is_", "torch.get_", "torch.set_", "torch.device",
                                    "torch.compile", "torch.no_grad", "torch.autocast",
                                    "torch.manual_seed", "torch.load", "torch.save"})
      if (qualified.starts_with(prefix)) return false;
    // nn modules and their classes are constructors, not tensors.
    if (qualified.starts_with("torch.nn.") && !qualified.starts_with("torch.nn.functional."))
      return false;
    return true;
  }

  // The type annotation of the enclosing function's parameter `name`, or null.
  TSNode parameter_annotation(std::string_view name, const Context& context) const {
    if (context.function < 0) return TSNode{};
    TSNode parameters = field(view_.functions()[context.function].node, "parameters");
    TSNode found{};
    for_each_named_child(parameters, [&](TSNode parameter) {
      if (!is(parameter, "typed_parameter") && !is(parameter, "typed_default_parameter")) return;
      TSNode identifier = is(parameter, "typed_default_parameter") ? field(parameter, "name")
                                                                   : ts_node_named_child(parameter, 0);
      if (is(identifier, "identifier") && view_.text(identifier) == name) found = field(parameter, "type");
    });
    return found;
  }

  static bool contains(TSNode outer, TSNode inner) {
    TSNode parameter = ts_node_parent(outer);
    return ts_node_start_byte(inner) >= ts_node_start_byte(parameter) &&
           ts_node_end_byte(inner) <= ts_node_end_byte(parameter);
  }

  const ModuleView& view_;
};

bool is_mask_expression(const ModuleView& view, TSNode index, const Context& context) {
  index = unparenthesize(index);
  if (is(index, "comparison_operator")) {
    // `x[a == b]` — but not `d[key in keys]`-style membership tests.
    std::string_view spelled = view.text(index);
    return spelled.find(" in ") == std::string_view::npos && spelled.find(" is ") == std::string_view::npos;
  }
  if (is(index, "unary_operator")) return view.text(index).starts_with("~");
  if (is(index, "binary_operator")) {
    std::string_view op = view.text(ts_node_child(index, 1));
    if (op == "&" || op == "|")
      return is_mask_expression(view, field(index, "left"), context) ||
             is_mask_expression(view, field(index, "right"), context);
    return false;
  }
  if (is(index, "call")) {
    std::string qualified = view.qualify(field(index, "function"));
    for (std::string_view name : {"torch.isnan", "torch.isinf", "torch.isfinite", "torch.logical_and",
                                  "torch.logical_or", "torch.logical_not", "torch.eq", "torch.ne",
                                  "torch.gt", "torch.lt", "torch.ge", "torch.le"})
      if (qualified == name) return true;
    TSNode function = field(index, "function");
    return is(function, "attribute") && view.text(field(function, "attribute")) == "bool";
  }
  if (is(index, "identifier")) {
    TSNode value = view.assigned_value(view.text(index), context, ts_node_start_byte(index));
    if (is_null(value) || is(unparenthesize(value), "identifier")) return false;
    return is_mask_expression(view, value, context);
  }
  return false;
}

// A name assigned from a NumPy call (`area = np.asarray(…)`): host data, not a tensor.
// `x = torch.cat((x, y), …)` in a loop: the name assigned is the first tensor concatenated, so
// every iteration makes it longer. Returns the name, or an empty view.
std::string_view grown_name(const ModuleView& view, const Call& call) {
  if (call.context.loop_depth == 0 || call.positional.empty()) return {};
  if (call.qualified != "torch.cat" && call.qualified != "torch.concat" && call.qualified != "torch.concatenate")
    return {};
  TSNode assignment = ts_node_parent(call.node);
  if (!is(assignment, "assignment")) return {};
  TSNode left = field(assignment, "left");
  TSNode sequence = unparenthesize(call.positional[0]);
  if (!is(sequence, "tuple") && !is(sequence, "list")) return {};
  TSNode first = ts_node_named_child_count(sequence) > 0 ? ts_node_named_child(sequence, 0) : TSNode{};
  if (is_null(first) || (!is(left, "identifier") && !is(left, "attribute"))) return {};
  std::string_view name = view.text(left);
  return view.text(first) == name ? name : std::string_view{};
}

bool is_numpy_value(const ModuleView& view, TSNode value, const Context& context) {
  value = unparenthesize(value);
  if (!is(value, "identifier")) return false;
  TSNode assigned = unparenthesize(view.assigned_value(view.text(value), context, ts_node_start_byte(value)));
  if (!is(assigned, "call")) return false;
  std::string qualified = view.qualify(field(assigned, "function"));
  return qualified.starts_with("numpy.");
}

}  // namespace

const std::span<const RuleMeta> kDynamicShapeRules = kRules;

void check_dynamic_shapes(RuleContext& context) {
  const ModuleView& view = context.view;
  TensorGuess guess(view);
  // Training and evaluation also run what the step calls (a model's forward, losses, metrics,
  // all-reduce helpers, post-processing): in a file that uses torch, a sync inside any
  // function counts, not only inside the step loop.
  bool uses_torch = false;
  for (const Import& import : view.imports()) uses_torch = uses_torch || has_prefix(import.module, "torch");
  for (const Call& call : view.calls()) {
    bool method = call.is_method_call();
    bool step = view.in_step(call.context);
    bool runs = step || (uses_torch && call.context.function >= 0);
    // Reading a value known to live on the host (NumPy data, a tensor built without a device,
    // a `.cpu()` copy) waits for no device.
    if (method && (call.method == "item" || call.method == "tolist") &&
        is_host_value(view, call.receiver, call.context)) {
      // quiet
    } else if (method && call.method == "item" && runs && call.positional.empty()) {
      context.report_method(kItem, call, ".item()",
                     "`.item()` in a step copies to the host and waits for the device "
                     "(aten::_local_scalar_dense); " +
                         target_way(context.target, "read values after torch_xla.sync() or in xm.add_step_closure",
                                    "read values every N steps, outside `if rank == 0` on a device mesh"));
    } else if (method && call.method == "tolist" && runs && call.positional.empty()) {
      context.report_method(kTolist, call, ".tolist()",
                     "`.tolist()` in a step copies to the host and waits for the device; move it "
                     "out of the step" +
                         (context.target == opdb::kXlaTarget ? std::string(" or into xm.add_step_closure") : std::string()));
    } else if (method && (call.method == "cpu" || call.method == "numpy") && step) {
      context.report_method(kHostTransfer, call, "." + call.method + "()",
                     "`." + call.method + "()` in a step waits for the device (and materialises "
                     "a lazy or deferred graph); do it every N steps" +
                         (context.target == opdb::kXlaTarget ? std::string(" or after torch_xla.sync()") : std::string()));
    } else if (call.simple_name == "print" && step) {
      for (TSNode argument : call.positional)
        if (guess.is_tensor(argument, call.context)) {
          context.report(kHostTransfer, call.node, "print",
                         "printing a tensor in a step copies it to the host and waits for the "
                         "device; print every N steps" +
                             (context.target == opdb::kXlaTarget ? std::string(" or after torch_xla.sync()") : std::string()));
          break;
        }
    }
    std::string_view name;
    if (call.qualified.starts_with("torch.") && call.qualified.find('.', 6) == std::string::npos)
      name = std::string_view(call.qualified).substr(6);
    else if (method)
      name = call.method;
    if (std::string_view grown = grown_name(view, call); !grown.empty())
      context.report(kGrowingTensor, call.node, call.qualified,
                     "`" + std::string(grown) + "` grows by " + call.qualified + " on every iteration, a new "
                     "shape each time: " +
                         target_way(context.target, "a new graph is compiled per iteration",
                                    "torch.compile(backend=\"tpu\") raises on dynamic shapes") +
                         "; preallocate the final size and write into it, or pad to fixed lengths");
    bool single_arg_where = call.qualified == "torch.where" && call.positional.size() == 1 &&
                            call.keywords.empty();
    if (is_dynamic_op_name(name) || single_arg_where) {
      std::string symbol = single_arg_where ? "where" : std::string(name);
      std::string message = "`" + symbol + "` returns a data-dependent shape: on a TPU it falls "
                            "back to the CPU or recompiles when the size changes; use a fixed-size "
                            "form (torch.where(mask, x, 0), masked sums, topk)";
      if (method) context.report_method(kDynamicOp, call, "." + symbol + "()", std::move(message));
      else context.report(kDynamicOp, call.node, "torch." + symbol, std::move(message));
    }
  }
  for (const Subscript& subscript : view.subscripts()) {
    if (subscript.context.function < 0 && subscript.context.loop_depth == 0) continue;
    if (!is_mask_expression(view, subscript.index, subscript.context)) continue;
    if (is_numpy_value(view, subscript.value, subscript.context)) continue;
    context.report(kMaskIndex, subscript.node, std::string(view.text(subscript.node)),
                   "boolean-mask indexing gives a data-dependent shape: " +
                       std::string(context.target == opdb::kXlaTarget
                                       ? "each new count is a new XLA graph"
                                       : "each new count is a new compiled graph under torch.compile or "
                                         "fused eager") +
                       "; keep the shape with torch.where or masked reductions");
  }
  for (const Condition& condition : view.conditions()) {
    if (!guess.is_tensor(condition.node, condition.context)) continue;
    context.report(kCondition, condition.node, std::string(view.text(condition.node)),
                   "Python control flow on a tensor value cuts the lazy graph and waits for the "
                   "device each time; use torch.where or check every N steps" +
                       (context.target == opdb::kXlaTarget ? std::string(" after torch_xla.sync()") : std::string()));
  }
}

}  // namespace tpu::python
