// SPDX-License-Identifier: Apache-2.0
// The hash the result cache keys its entries on: XXH3, 128 bits (libxxhash), fast enough to hash
// every file of a large tree on each run and wide enough that two contents never share a key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tpu::cache {

struct Hash128 {
  uint64_t low = 0, high = 0;
  bool operator==(const Hash128&) const = default;
  /// 32 lowercase hex digits.
  std::string hex() const;
};

Hash128 content_hash(std::string_view bytes);

/// Hashes a sequence of fields; each is length-prefixed, so ("ab", "c") and ("a", "bc") differ.
class KeyHasher {
 public:
  KeyHasher();
  ~KeyHasher();
  KeyHasher(const KeyHasher&) = delete;
  KeyHasher& operator=(const KeyHasher&) = delete;

  KeyHasher& add(std::string_view field);
  KeyHasher& add(const Hash128& field);
  Hash128 digest() const;

 private:
  void* state_;  // XXH3_state_t, kept out of this header
};

}  // namespace tpu::cache
