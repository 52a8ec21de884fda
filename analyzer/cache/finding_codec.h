// SPDX-License-Identifier: Apache-2.0
// Findings, locations and input errors in the cache's binary form. A location whose path is the
// entry's own file (nearly all of them) is stored without it.
#pragma once

#include <string>

#include "analyzer/cache/byte_codec.h"
#include "analyzer/core/finding.h"

namespace tpu::cache {

void write_location(ByteWriter& out, const Location& location, const std::string& file_path);
Location read_location(ByteReader& in, const std::string& file_path);

void write_finding(ByteWriter& out, const Finding& finding, const std::string& file_path);
Finding read_finding(ByteReader& in, const std::string& file_path);

void write_input_error(ByteWriter& out, const InputError& error, const std::string& file_path);
InputError read_input_error(ByteReader& in, const std::string& file_path);

/// A list of T, each written and read by the given functions.
template <class T, class Write>
void write_list(ByteWriter& out, const std::vector<T>& items, Write write) {
  out.u64(items.size());
  for (const T& item : items) write(item);
}
template <class T, class Read>
std::vector<T> read_list(ByteReader& in, Read read) {
  std::vector<T> items(in.count());
  for (T& item : items) {
    item = read();
    if (!in.ok()) return {};
  }
  return items;
}

}  // namespace tpu::cache
