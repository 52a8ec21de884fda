// SPDX-License-Identifier: Apache-2.0
#include "checker/torch/strided_views.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace tpu::checker {
namespace {

// reshape's views: the stride argument describes the source tensor's layout, not the values.
constexpr std::array<std::string_view, 2> kReshapeViews = {"aten::_reshape_alias", "aten::_reshape_alias_copy"};

bool is_reshape_view(const std::string& op) {
  for (std::string_view name : kReshapeViews)
    if (name == op) return true;
  return false;
}

bool takes_storage_offset(const SampleCall& call) { return argument_index(call, "storage_offset") >= 0; }

SavedArg* find_arg(SampleCall& call, std::string_view name) {
  for (SavedArg& arg : call.args)
    if (arg.name == name) return &arg;
  return nullptr;
}

// The integers of a saved size list; nullopt when it is not a list of integers (an empty list is a
// real 0-dim size, so it cannot stand for "unreadable").
std::optional<std::vector<int64_t>> int_list(const c10::IValue& value) {
  if (value.isIntList()) return value.toIntVector();
  if (!value.isList()) return std::nullopt;
  std::vector<int64_t> out;
  for (const c10::IValue& item : value.toListRef()) {
    if (!item.isInt()) return std::nullopt;
    out.push_back(item.toInt());
  }
  return out;
}

}  // namespace

void rebuild_strided_view(SampleCall& call) {
  if (is_reshape_view(call.op)) {
    SavedArg* self = find_arg(call, "self");
    SavedArg* size = find_arg(call, "size");
    SavedArg* stride = find_arg(call, "stride");
    if (!self || !self->value.isTensor()) return;  // build_stack says which input was not saved
    if (!size || !stride) throw NotReplayable("a view whose sizes or strides are missing from the sample");
    std::optional<std::vector<int64_t>> saved_sizes = int_list(size->value);
    if (!saved_sizes) throw NotReplayable("a view whose sizes the trace did not save as integers");
    const std::vector<int64_t>& sizes = *saved_sizes;
    int64_t numel = 1;
    for (int64_t extent : sizes) numel *= extent;
    if (numel != self->value.toTensor().numel())
      throw NotReplayable("a view of " + std::to_string(numel) + " elements of an input saved with " +
                          std::to_string(self->value.toTensor().numel()));
    // The contiguous strides of `size`: the saved copy of `self` is contiguous.
    std::vector<int64_t> strides(sizes.size(), 1);
    for (size_t i = sizes.size(); i-- > 1;) strides[i - 1] = strides[i] * std::max<int64_t>(sizes[i], 1);
    stride->value = c10::IValue(strides);
    return;
  }
  if (takes_storage_offset(call))
    throw NotReplayable(
        "a view into its input's storage (explicit strides and offset); the trace saves inputs contiguous, "
        "without their storage, strides or offset, so a replay would read memory that was never the op's input");
}

}  // namespace tpu::checker
