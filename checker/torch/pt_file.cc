// SPDX-License-Identifier: Apache-2.0
// torch::jit::pickle_load would do, except that libtorch 1.13's unpickler stops at the SETITEM
// and APPEND opcodes Python writes for every one-item dict and list (and at short LONG1s); so
// the archive's data.pkl is read here, rewritten (pickle_fixup.h), and unpickled with the same
// record reader pickle_load uses.
#include "checker/torch/pt_file.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "checker/pickle_fixup.h"

namespace tpu::checker {

c10::IValue load_pt_file(const std::filesystem::path& path) {
  caffe2::serialize::PyTorchStreamReader reader(path.string());
  auto [data, size] = reader.getRecord("data.pkl");
  std::string_view original(static_cast<const char*>(data.get()), size);
  std::string problem;
  const std::string pickle = fix_pickle_for_libtorch(original, &problem);
  size_t offset = 0;
  auto read = [&pickle, &offset](char* buffer, size_t length) -> size_t {
    size_t n = std::min(length, pickle.size() - offset);
    std::memcpy(buffer, pickle.data() + offset, n);
    offset += n;
    return n;
  };
  auto read_record = [&reader](const std::string& name) { return std::get<0>(reader.getRecord("data/" + name)); };
  torch::jit::Unpickler unpickler(read, nullptr, nullptr, read_record, c10::Device(c10::kCPU));
  unpickler.set_version(reader.version());
  try {
    return unpickler.parse_ivalue();
  } catch (const c10::Error& error) {
    if (problem.empty()) throw;
    throw std::runtime_error(std::string(error.what_without_backtrace()) + " (" + problem + ")");
  }
}

}  // namespace tpu::checker
