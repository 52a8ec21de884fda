// SPDX-License-Identifier: Apache-2.0
// The libtorch side of the sample format. Only IValue kinds that torch.load (Python) and
// torch::pickle_load (C++) both read are written: tensors, None, bool, int, double, str,
// generic lists and str-keyed generic dicts.
#include "trace/torchscript/sample_codec.h"

#include "trace/torchscript/input_spec.h"

namespace tpu::torchscript {
namespace {

using c10::impl::GenericDict;
using c10::impl::GenericList;

GenericDict new_dict() { return GenericDict(c10::StringType::get(), c10::AnyType::get()); }
GenericList new_list() { return GenericList(c10::AnyType::get()); }

GenericDict tagged(const std::string& key, c10::IValue value) {
  GenericDict dict = new_dict();
  dict.insert(key, std::move(value));
  return dict;
}

std::string layout_name(c10::Layout layout) {
  switch (layout) {
    case c10::kStrided: return "strided";
    case c10::kSparse: return "sparse_coo";
    case c10::kSparseCsr: return "sparse_csr";
    default: return "unknown";
  }
}

std::string memory_format_name(c10::MemoryFormat format) {
  switch (format) {
    case c10::MemoryFormat::Contiguous: return "contiguous_format";
    case c10::MemoryFormat::Preserve: return "preserve_format";
    case c10::MemoryFormat::ChannelsLast: return "channels_last";
    case c10::MemoryFormat::ChannelsLast3d: return "channels_last_3d";
    default: return "unknown";
  }
}

c10::TypePtr unwrap_optional(const c10::TypePtr& type) {
  if (type && type->kind() == c10::TypeKind::OptionalType) return type->expectRef<c10::OptionalType>().getElementType();
  return type;
}

c10::TypePtr element_type(const c10::TypePtr& type) {
  if (type && type->kind() == c10::TypeKind::ListType) return type->expectRef<c10::ListType>().getElementType();
  return nullptr;
}

}  // namespace

c10::IValue SampleEncoder::tensor(const at::Tensor& value, const std::string& name) {
  if (!value.defined()) return c10::IValue();
  std::string reason;
  if (value.layout() != c10::kStrided || value.is_quantized() || value.is_meta()) reason = "layout";
  else if (static_cast<uint64_t>(value.numel()) * value.element_size() > max_tensor_bytes_) reason = "too-large";
  if (!reason.empty()) {
    omitted.push_back(name);
    GenericDict description = new_dict();
    description.insert("omitted", reason);
    description.insert("dtype", dtype_name(value.scalar_type()));
    description.insert("shape", c10::IValue(value.sizes().vec()));
    description.insert("device", value.device().str());
    return description;
  }
  at::Tensor copy = value.detach().to(c10::kCPU).contiguous().clone();
  bytes += static_cast<uint64_t>(copy.numel()) * copy.element_size();
  return copy;
}

c10::IValue SampleEncoder::encode(const c10::IValue& value, const c10::TypePtr& real_type, const std::string& name) {
  c10::TypePtr type = unwrap_optional(real_type);
  if (value.isNone()) return value;
  if (value.isTensor()) return tensor(value.toTensor(), name);
  if (value.isInt() && type) {
    switch (type->kind()) {
      case c10::TypeKind::ScalarTypeType:
        return tagged("dtype", dtype_name(static_cast<c10::ScalarType>(value.toInt())));
      case c10::TypeKind::LayoutType:
        return tagged("layout", layout_name(static_cast<c10::Layout>(value.toInt())));
      case c10::TypeKind::MemoryFormatType:
        return tagged("memory_format", memory_format_name(static_cast<c10::MemoryFormat>(value.toInt())));
      default: break;
    }
  }
  if (value.isInt() || value.isDouble() || value.isBool() || value.isString()) return value;
  if (value.isDevice()) return tagged("device", value.toDevice().str());
  if (value.isComplexDouble()) {
    GenericList parts = new_list();
    parts.push_back(value.toComplexDouble().real());
    parts.push_back(value.toComplexDouble().imag());
    return tagged("complex", parts);
  }
  if (value.isList() || value.isTuple()) {
    GenericList out = new_list();
    c10::TypePtr element = element_type(type);
    if (value.isList()) {
      for (const c10::IValue& item : value.toListRef()) out.push_back(encode(item, element, name));
    } else {
      for (const c10::IValue& item : value.toTupleRef().elements()) out.push_back(encode(item, nullptr, name));
    }
    return out;
  }
  omitted.push_back(name);
  return tagged("unsupported", value.tagKind());
}

c10::IValue sample_record(const c10::FunctionSchema& schema, GenericList args, GenericList outputs,
                          const std::vector<std::string>& omitted, const std::string& path, int64_t line) {
  GenericDict record = new_dict();
  record.insert("format", "tpu-migrate/sample@1");
  record.insert("op", schema.name());
  record.insert("overload", schema.overload_name().empty() ? "default" : schema.overload_name());
  std::ostringstream text;
  text << schema;
  record.insert("schema", text.str());
  record.insert("args", std::move(args));
  record.insert("outputs", std::move(outputs));
  GenericList names = new_list();
  for (const std::string& name : omitted) names.push_back(name);
  record.insert("omitted", names);
  record.insert("nondeterministic", false);
  record.insert("path", path);
  record.insert("line", line);
  return record;
}

nlohmann::json describe(const c10::IValue& value) {
  using nlohmann::json;
  if (value.isNone()) return nullptr;
  if (value.isTensor()) {
    const at::Tensor& t = value.toTensor();
    double sum = t.numel() == 0 ? 0.0 : t.to(c10::kDouble).sum().item<double>();
    return json{{"tensor", true}, {"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()}, {"sum", sum}};
  }
  if (value.isBool()) return value.toBool();
  if (value.isInt()) return value.toInt();
  if (value.isDouble()) return value.toDouble();
  if (value.isString()) return value.toStringRef();
  if (value.isGenericDict()) {
    json out = json::object();
    for (const auto& entry : value.toGenericDict())
      out[entry.key().isString() ? entry.key().toStringRef() : entry.key().tagKind()] = describe(entry.value());
    return out;
  }
  if (value.isList()) {
    json out = json::array();
    for (const c10::IValue& item : value.toListRef()) out.push_back(describe(item));
    return out;
  }
  if (value.isTuple()) {
    json out = json::array();
    for (const c10::IValue& item : value.toTupleRef().elements()) out.push_back(describe(item));
    return out;
  }
  return json{{"unsupported", value.tagKind()}};
}

}  // namespace tpu::torchscript
