// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/content_hash.h"

#include <xxhash.h>

namespace tpu::cache {

std::string Hash128::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(32, '0');
  for (int i = 0; i < 16; ++i) {
    text[15 - i] = kDigits[(high >> (4 * i)) & 0xF];
    text[31 - i] = kDigits[(low >> (4 * i)) & 0xF];
  }
  return text;
}

Hash128 content_hash(std::string_view bytes) {
  XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return {hash.low64, hash.high64};
}

KeyHasher::KeyHasher() : state_(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}

KeyHasher::~KeyHasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

KeyHasher& KeyHasher::add(std::string_view field) {
  auto* state = static_cast<XXH3_state_t*>(state_);
  uint64_t size = field.size();
  XXH3_128bits_update(state, &size, sizeof size);
  XXH3_128bits_update(state, field.data(), field.size());
  return *this;
}

KeyHasher& KeyHasher::add(const Hash128& field) {
  uint64_t words[2] = {field.low, field.high};
  return add(std::string_view(reinterpret_cast<const char*>(words), sizeof words));
}

Hash128 KeyHasher::digest() const {
  XXH128_hash_t hash = XXH3_128bits_digest(static_cast<const XXH3_state_t*>(state_));
  return {hash.low64, hash.high64};
}

}  // namespace tpu::cache
