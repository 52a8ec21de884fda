// SPDX-License-Identifier: Apache-2.0
// Values come back from the pickle as generic IValues (lists of Any, str-keyed dicts); the
// boxed kernels want the schema's exact kinds (int[] as a List<int64_t>, ScalarType as an int,
// Tensor?[] as a List<optional<Tensor>>), so each argument is converted by its schema type.
#include "checker/torch/sample_call.h"

#include <array>
#include <string_view>

#include <ATen/ScalarOps.h>
#include <torch/version.h>

#include "checker/torch/dtype_names.h"
#include "checker/torch/strided_views.h"

namespace tpu::checker {
namespace {

// Ops whose outputs are uninitialised memory or aliases of storage the trace cannot rebuild:
// comparing them says nothing (msprobe likewise excludes empty/to/set-like APIs).
constexpr std::array<std::string_view, 9> kNotComparable = {
    "aten::empty", "aten::empty_like", "aten::empty_strided", "aten::new_empty",
    "aten::new_empty_strided", "aten::resize_", "aten::set_", "aten::_resize_output_",
    "aten::resize_as_"};

std::string field_string(const c10::impl::GenericDict& dict, const char* key) {
  auto it = dict.find(key);
  return it != dict.end() && it->value().isString() ? it->value().toStringRef() : std::string();
}

// A one-key dict {"dtype": "float32"} (the trace's tag for a Python object), or nullopt.
std::optional<std::pair<std::string, c10::IValue>> tag_of(const c10::IValue& value) {
  if (!value.isGenericDict()) return std::nullopt;
  auto dict = value.toGenericDict();
  if (dict.size() == 0) return std::nullopt;
  for (const char* key : {"omitted", "unsupported", "dtype", "device", "layout", "memory_format", "complex"}) {
    auto it = dict.find(key);
    if (it != dict.end()) return std::make_pair(std::string(key), it->value());
  }
  return std::nullopt;
}

std::string libtorch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

c10::ScalarType convert_dtype(c10::ScalarType type, FloatPolicy policy) {
  switch (policy) {
    case FloatPolicy::Float64:
      if (c10::isFloatingType(type)) return c10::kDouble;
      if (c10::isComplexType(type)) return c10::kComplexDouble;
      return type;
    case FloatPolicy::NarrowFloat64:
      if (type == c10::kDouble) return c10::kFloat;
      if (type == c10::kComplexDouble) return c10::kComplexFloat;
      return type;
    case FloatPolicy::Keep:
    case FloatPolicy::Float64Tensors:
      return type;
  }
  return type;
}

class Converter {
 public:
  Converter(const ArgPolicy& policy, const std::string& name) : policy_(policy), name_(name) {}

  c10::IValue convert(const c10::IValue& saved, const c10::TypePtr& type, std::optional<int32_t> list_size) {
    using c10::TypeKind;
    if (type->kind() == TypeKind::OptionalType) {
      if (saved.isNone()) return c10::IValue();
      return convert(saved, type->expectRef<c10::OptionalType>().getElementType(), list_size);
    }
    if (auto tag = tag_of(saved); tag && (tag->first == "omitted" || tag->first == "unsupported")) {
      std::string what = tag->second.isString() ? tag->second.toStringRef() : std::string();
      throw NotReplayable("argument `" + name_ + "` was not saved in the trace" + (what.empty() ? "" : " (" + what + ")"));
    }
    switch (type->kind()) {
      case TypeKind::TensorType: return tensor(saved);
      case TypeKind::IntType:
      case TypeKind::SymIntType:
        if (saved.isInt()) return saved;
        if (saved.isBool()) return c10::IValue(static_cast<int64_t>(saved.toBool()));
        break;
      case TypeKind::FloatType:
        if (saved.isDouble()) return saved;
        if (saved.isInt()) return c10::IValue(static_cast<double>(saved.toInt()));
        break;
      case TypeKind::BoolType:
        if (saved.isBool()) return saved;
        if (saved.isInt()) return c10::IValue(saved.toInt() != 0);
        break;
      case TypeKind::StringType:
        if (saved.isString()) return saved;
        break;
      case TypeKind::NumberType:
      case TypeKind::ComplexType:
        if (saved.isInt() || saved.isDouble() || saved.isBool()) return saved;
        if (auto tag = tag_of(saved); tag && tag->first == "complex" && tag->second.isList()) {
          auto parts = tag->second.toListRef();
          if (parts.size() == 2)
            return c10::IValue(c10::complex<double>(parts[0].toScalar().toDouble(), parts[1].toScalar().toDouble()));
        }
        break;
      case TypeKind::ScalarTypeType:
        if (auto tag = tag_of(saved); tag && tag->first == "dtype" && tag->second.isString()) {
          auto dtype = scalar_type_from_name(tag->second.toStringRef());
          if (!dtype) throw NotReplayable("unknown dtype " + tag->second.toStringRef());
          return c10::IValue(static_cast<int64_t>(convert_dtype(*dtype, policy_.floats)));
        }
        if (saved.isInt()) return saved;
        break;
      case TypeKind::LayoutType:
        if (auto tag = tag_of(saved); tag && tag->first == "layout" && tag->second.isString()) {
          auto layout = layout_from_name(tag->second.toStringRef());
          if (!layout) throw NotReplayable("unknown layout " + tag->second.toStringRef());
          return c10::IValue(static_cast<int64_t>(*layout));
        }
        if (saved.isInt()) return saved;
        break;
      case TypeKind::MemoryFormatType:
        if (auto tag = tag_of(saved); tag && tag->first == "memory_format" && tag->second.isString()) {
          auto format = memory_format_from_name(tag->second.toStringRef());
          if (!format) throw NotReplayable("unknown memory format " + tag->second.toStringRef());
          return c10::IValue(static_cast<int64_t>(*format));
        }
        if (saved.isInt()) return saved;
        break;
      case TypeKind::DeviceObjType:
        if (auto tag = tag_of(saved); tag && tag->first == "device") return c10::IValue(policy_.device);
        if (saved.isString()) return c10::IValue(policy_.device);
        break;
      case TypeKind::ListType:
        return list(saved, type->expectRef<c10::ListType>().getElementType(), list_size);
      case TypeKind::GeneratorType:
        break;  // a recorded generator cannot be rebuilt; None was handled above
      default:
        break;
    }
    throw NotReplayable("argument `" + name_ + "`: cannot pass a saved " + std::string(saved.tagKind()) + " as " +
                        type->str());
  }

 private:
  c10::IValue tensor(const c10::IValue& saved) {
    // Python passes numbers for some Tensor arguments (x * 0.5 reaches mul.Tensor with a
    // float); the dispatcher wants them as wrapped-number tensors, which do not take part in
    // type promotion and stay on the CPU.
    if (saved.isDouble() || saved.isInt() || saved.isBool())
      return at::native::wrapped_scalar_tensor(saved.toScalar());
    if (!saved.isTensor())
      throw NotReplayable("argument `" + name_ + "`: expected a tensor, found a " + std::string(saved.tagKind()));
    at::Tensor value = saved.toTensor();
    // Every executor gets its own copy: in-place and out= ops write into their arguments.
    c10::ScalarType dtype = policy_.floats == FloatPolicy::Keep ? value.scalar_type()
                            : policy_.floats == FloatPolicy::Float64Tensors
                                ? convert_dtype(value.scalar_type(), FloatPolicy::Float64)
                                : convert_dtype(value.scalar_type(), policy_.floats);
    at::Tensor copy = dtype == value.scalar_type() ? value.clone() : value.to(dtype);
    if (policy_.tensor_hook) copy = policy_.tensor_hook(copy, name_);
    if (copy.device() != policy_.device) copy = copy.to(policy_.device);
    return copy;
  }

  c10::IValue list(const c10::IValue& saved, const c10::TypePtr& element, std::optional<int32_t> size) {
    using c10::TypeKind;
    std::vector<c10::IValue> items;
    if (saved.isList()) {
      for (const c10::IValue& item : saved.toListRef()) items.push_back(item);
    } else if (saved.isTuple()) {
      for (const c10::IValue& item : saved.toTupleRef().elements()) items.push_back(item);
    } else {
      // `int[2] stride=1`: a single value stands for the whole fixed-size list.
      items.assign(size.value_or(1), saved);
    }
    TypeKind kind = element->kind();
    if (kind == TypeKind::IntType || kind == TypeKind::SymIntType) {
      c10::List<int64_t> out;
      for (const auto& item : items) out.push_back(convert(item, c10::IntType::get(), std::nullopt).toInt());
      return out;
    }
    if (kind == TypeKind::FloatType) {
      c10::List<double> out;
      for (const auto& item : items) out.push_back(convert(item, c10::FloatType::get(), std::nullopt).toDouble());
      return out;
    }
    if (kind == TypeKind::BoolType) {
      c10::List<bool> out;
      for (const auto& item : items) out.push_back(convert(item, c10::BoolType::get(), std::nullopt).toBool());
      return out;
    }
    if (kind == TypeKind::TensorType) {
      c10::List<at::Tensor> out;
      for (const auto& item : items) out.push_back(tensor(item).toTensor());
      return out;
    }
    if (kind == TypeKind::OptionalType &&
        element->expectRef<c10::OptionalType>().getElementType()->kind() == TypeKind::TensorType) {
      c10::List<c10::optional<at::Tensor>> out;
      for (const auto& item : items) {
        if (item.isNone()) out.push_back(c10::nullopt);
        else out.push_back(tensor(item).toTensor());
      }
      return out;
    }
    throw NotReplayable("argument `" + name_ + "`: lists of " + element->str() + " are not supported");
  }

  const ArgPolicy& policy_;
  const std::string& name_;
};

void flatten_into(const c10::IValue& value, const std::string& name, std::vector<FlatValue>& out) {
  if (value.isTensor()) {
    if (value.toTensor().defined()) out.push_back({name, value.toTensor()});
  } else if (value.isTensorList() || value.isList()) {
    size_t index = 0;
    for (const c10::IValue& item : value.toListRef()) flatten_into(item, name + "[" + std::to_string(index++) + "]", out);
  } else if (value.isTuple()) {
    size_t index = 0;
    for (const c10::IValue& item : value.toTupleRef().elements())
      flatten_into(item, name + "[" + std::to_string(index++) + "]", out);
  } else if (value.isDouble()) {
    out.push_back({name, at::scalar_tensor(value.toDouble(), at::TensorOptions().dtype(c10::kDouble))});
  } else if (value.isInt()) {
    out.push_back({name, at::scalar_tensor(value.toInt(), at::TensorOptions().dtype(c10::kLong))});
  } else if (value.isBool()) {
    out.push_back({name, at::scalar_tensor(value.toBool(), at::TensorOptions().dtype(c10::kBool))});
  } else if (value.isComplexDouble()) {
    out.push_back({name, at::scalar_tensor(c10::Scalar(value.toComplexDouble()),
                                           at::TensorOptions().dtype(c10::kComplexDouble))});
  }
  // None and anything else carry no numbers to compare.
}

}  // namespace

SampleCall decode_sample(const c10::IValue& record) {
  if (!record.isGenericDict()) throw NotReplayable("not a sample record (expected a dict)");
  auto dict = record.toGenericDict();
  std::string format = field_string(dict, "format");
  if (format != "tpu-migrate/sample@1") throw NotReplayable("unknown sample format \"" + format + "\"");
  std::string op = field_string(dict, "op"), overload = field_string(dict, "overload");
  if (!op.starts_with("aten::")) throw NotReplayable("not an aten op");
  for (std::string_view name : kNotComparable)
    if (op == name) throw NotReplayable("its output is uninitialised or aliased memory, not a result");
  auto nondeterministic = dict.find("nondeterministic");
  if (nondeterministic != dict.end() && nondeterministic->value().isBool() && nondeterministic->value().toBool())
    throw NotReplayable("a random op (nondeterministic_seeded): nothing to compare without the generator state");

  auto handle = c10::Dispatcher::singleton().findSchema({op, overload == "default" ? "" : overload});
  if (!handle) throw NotReplayable("this libtorch (" + libtorch_version() + ") has no " + op + "." + overload);

  SampleCall call{op, overload, *handle, {}, {}, false, field_string(dict, "path"), 0};
  if (auto line = dict.find("line"); line != dict.end() && line->value().isInt()) call.line = line->value().toInt();
  auto args = dict.find("args");
  if (args == dict.end() || !args->value().isList()) throw NotReplayable("the sample has no argument list");
  for (const c10::IValue& entry : args->value().toListRef()) {
    if (!entry.isGenericDict()) throw NotReplayable("malformed argument entry");
    auto arg = entry.toGenericDict();
    call.args.push_back({field_string(arg, "name"), arg.at("value")});
  }
  if (auto outputs = dict.find("outputs"); outputs != dict.end() && outputs->value().isList())
    for (const c10::IValue& output : outputs->value().toListRef()) call.recorded_outputs.push_back(output);
  rebuild_strided_view(call);
  return call;
}

int argument_index(const SampleCall& call, const std::string& name) {
  const auto& arguments = call.handle.schema().arguments();
  for (size_t i = 0; i < arguments.size(); ++i)
    if (arguments[i].name() == name) return static_cast<int>(i);
  return -1;
}

torch::jit::Stack build_stack(const SampleCall& call, const ArgPolicy& policy) {
  const c10::FunctionSchema& schema = call.handle.schema();
  for (const SavedArg& arg : call.args)
    if (argument_index(call, arg.name) < 0)
      throw NotReplayable("argument `" + arg.name + "` is not in this libtorch's schema " + toString(schema));
  torch::jit::Stack stack;
  for (const c10::Argument& argument : schema.arguments()) {
    const SavedArg* saved = nullptr;
    for (const SavedArg& arg : call.args)
      if (arg.name == argument.name()) saved = &arg;
    if (!saved) {
      if (argument.default_value()) {
        stack.push_back(*argument.default_value());
        continue;
      }
      if (argument.type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      throw NotReplayable("argument `" + argument.name() + "` is missing from the sample");
    }
    Converter converter(policy, argument.name());
    std::optional<int32_t> size;
    if (argument.N()) size = *argument.N();
    // real_type: ScalarType, Layout and MemoryFormat arguments are typed `int` in type().
    stack.push_back(converter.convert(saved->value, argument.real_type(), size));
  }
  return stack;
}

std::vector<c10::IValue> call_boxed(const SampleCall& call, torch::jit::Stack stack) {
  call.handle.callBoxed(stack);
  return std::vector<c10::IValue>(stack.begin(), stack.end());
}

std::vector<FlatValue> flatten_outputs(const std::vector<c10::IValue>& returns) {
  std::vector<FlatValue> out;
  for (size_t i = 0; i < returns.size(); ++i) flatten_into(returns[i], "out[" + std::to_string(i) + "]", out);
  return out;
}

}  // namespace tpu::checker
