// SPDX-License-Identifier: Apache-2.0
#include "rewriter/fix_templates.h"

#include <cctype>

#include "opdb/rewrite_map.h"

namespace tpu::rewriter {

std::optional<FixTemplate> find_template(std::string_view key, std::string_view target, Style style) {
  const opdb::RewriteRow* row = opdb::find_rewrite(key, target, style == Style::Portable ? "portable" : "direct");
  if (row == nullptr) return std::nullopt;
  return FixTemplate{row->replacement, row->imports, row->helpers,
                     row->unsafe ? Applicability::Unsafe : Applicability::Safe, row->title};
}

std::optional<std::string> substitute(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i + 1])) &&
        pattern[i + 2] == '}') {
      size_t index = static_cast<size_t>(pattern[i + 1] - '0');
      if (index >= args.size()) return std::nullopt;
      out += args[index];
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace tpu::rewriter
