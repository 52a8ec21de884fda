// SPDX-License-Identifier: Apache-2.0
// Views that address their input's storage directly. The trace saves every input contiguous,
// detached and without its storage, strides or storage offset (docs/trace-format.md, "Sample
// files"). A view defined by the input's logical values (view, expand, transpose, slice,
// select, in-place ops on a view) replays faithfully on such a copy; one that names strides or
// an offset into the storage (`_reshape_alias`, `as_strided`) would read memory that was never
// its input, and its "result" would be garbage (issue 19: `_reshape_alias` failing with max abs
// 2.29e+38 on a healthy model).
#pragma once

#include "checker/torch/sample_call.h"

namespace tpu::checker {

/// Rebuilds a strided view from what the trace stores, or throws NotReplayable with the
/// reason when it cannot be (the sample is then skipped, never compared):
///  - `_reshape_alias(self, size, stride)` is what `reshape` calls when the result can be a view;
///    its values are `self` reshaped to `size` whatever the original strides were, so on the
///    contiguous copy the strides become the contiguous strides of `size`;
///  - ops that take a `storage_offset` (`as_strided`, `as_strided_`, `as_strided_copy`,
///    `as_strided_scatter`, `set_` with a storage) index the original storage, which the trace
///    does not keep: skipped.
/// Other calls are left alone.
void rebuild_strided_view(SampleCall& call);

}  // namespace tpu::checker
