// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/build_identity.h"

#include <elf.h>
#include <link.h>

#include <cstring>

#ifndef TPU_MIGRATE_VERSION
#error "TPU_MIGRATE_VERSION must be defined by the build"
#endif

namespace tpu::cache {
namespace {

// The NT_GNU_BUILD_ID note of the main program (the first object dl_iterate_phdr reports).
int find_build_id(struct dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + header.p_vaddr);
    const char* end = at + header.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const char* name = at + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (desc + note->n_descsz > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        static constexpr char kDigits[] = "0123456789abcdef";
        for (uint32_t k = 0; k < note->n_descsz; ++k) {
          auto byte = static_cast<uint8_t>(desc[k]);
          out->push_back(kDigits[byte >> 4]);
          out->push_back(kDigits[byte & 0xF]);
        }
        return 1;
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the main program counts
}

}  // namespace

const std::string& build_identity() {
  static const std::string identity = [] {
    std::string build_id;
    dl_iterate_phdr(find_build_id, &build_id);
    if (build_id.empty()) build_id = std::string(__DATE__ " " __TIME__);
    return std::string(TPU_MIGRATE_VERSION) + " build " + build_id;
  }();
  return identity;
}

}  // namespace tpu::cache
