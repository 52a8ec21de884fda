// SPDX-License-Identifier: Apache-2.0
#include "reports/inventory_panel.h"

#include <set>
#include <string>

#include "reports/xml_text.h"

namespace tpu::reports {
namespace {

using nlohmann::ordered_json;

std::string text_of(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string where(const ordered_json& object) {
  std::string path = text_of(object, "path");
  auto line = object.find("line");
  if (path.empty()) return {};
  return line != object.end() && line->is_number() ? path + ":" + std::to_string(line->get<long>()) : path;
}

// The badge colour of a verdict: CUDA-only blocks a TPU, a CPU kernel runs through the
// fallback, a composite or XLA implementation runs.
std::string badge_class(const std::string& verdict) {
  if (verdict == "cuda-only") return "blocker";
  if (verdict == "cpu-fallback") return "warning";
  if (verdict == "composite" || verdict == "xla") return "lowered";
  return "unknown";
}

}  // namespace

void inventory_panel(std::ostringstream& out, const ordered_json& inventory) {
  auto ops = inventory.find("ops");
  if (ops == inventory.end() || !ops->is_array() || ops->empty()) return;
  out << "<section class=\"panel\" id=\"inventory\" style=\"margin-bottom:20px\"><h2>Custom ops of the "
         "C++/CUDA extensions</h2><table class=\"small\"><thead><tr><th>Op</th><th>Verdict</th>"
         "<th>Implementations</th><th>Kernels and libraries</th><th>Called from</th></tr></thead><tbody>";
  for (const ordered_json& op : *ops) {
    if (!op.is_object()) continue;
    std::string verdict = text_of(op, "verdict");
    std::set<std::string> backends, kernels;
    if (auto implementations = op.find("implementations"); implementations != op.end() && implementations->is_array())
      for (const ordered_json& implementation : *implementations) {
        backends.insert(text_of(implementation, "backend"));
        // What the op's implementations run: its kernels and the NVIDIA libraries they call.
        for (const char* key : {"kernels", "libraries"})
          if (auto names = implementation.find(key); names != implementation.end() && names->is_array())
            for (const ordered_json& name : *names)
              if (name.is_string()) kernels.insert(name.get<std::string>());
      }
    auto join = [](const std::set<std::string>& items) {
      std::string joined;
      for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
      return joined;
    };
    out << "<tr><td><code>" << xml_escape(text_of(op, "module") + "." + text_of(op, "name")) << "</code><br><code>"
        << xml_escape(where(op)) << "</code></td><td><span class=\"badge " << badge_class(verdict) << "\">"
        << xml_escape(verdict) << "</span></td><td>" << xml_escape(join(backends)) << "</td><td>"
        << xml_escape(join(kernels)) << "</td><td>";
    size_t shown = 0, calls = 0;
    if (auto python_calls = op.find("python_calls"); python_calls != op.end() && python_calls->is_array()) {
      calls = python_calls->size();
      for (const ordered_json& call : *python_calls)
        if (shown < 3) out << (shown++ ? "<br>" : "") << "<code>" << xml_escape(where(call)) << "</code>";
    }
    if (calls > shown) out << "<br>and " << calls - shown << " more";
    if (calls == 0) out << "no Python call found";
    out << "</td></tr>";
  }
  out << "</tbody></table><p class=\"note\">A CUDA-only op has no TPU path until it is ported (torch ops XLA "
         "fuses, or a Pallas kernel); an op with a CPU kernel runs through the CPU fallback, one host "
         "round trip per call. The JSON report's <code>inventory</code> has the full detail.</p></section>";
}

}  // namespace tpu::reports
