// SPDX-License-Identifier: Apache-2.0
// Reads a torch.save file (the zip format Python torch writes since 1.6) with libtorch: the
// trace's sample files and the worker's output files.
#pragma once

#include <filesystem>

#include "checker/torch/torch_headers.h"

namespace tpu::checker {

/// The saved object. Throws (c10::Error or std::runtime_error) when the file is not a
/// readable torch.save archive; one-item dicts are accepted (pickle_fixup.h).
c10::IValue load_pt_file(const std::filesystem::path& path);

}  // namespace tpu::checker
