// SPDX-License-Identifier: Apache-2.0
#include "reports/inventory_panel.h"

#include <string>
#include <vector>

#include "reports/inventory_view.h"
#include "reports/xml_text.h"

namespace tpu::reports {
namespace {

// The badge colour of an op: one that blocks a TPU (CUDA- or other-accelerator-only), a CPU
// kernel that runs through the fallback, a composite or XLA implementation that runs.
std::string badge_class(const InventoryRow& row) {
  if (row.blocks) return "blocker";
  if (row.verdict == "cpu-fallback") return "warning";
  if (row.verdict == "composite" || row.verdict == "xla") return "lowered";
  return "unknown";
}

}  // namespace

void inventory_panel(std::ostringstream& out, const nlohmann::ordered_json& inventory) {
  std::vector<InventoryRow> rows = inventory_rows(inventory);
  if (rows.empty()) return;
  out << "<section class=\"panel\" id=\"inventory\" style=\"margin-bottom:20px\"><h2>Custom ops of the "
         "C++/CUDA extensions</h2><table class=\"small\"><thead><tr><th>Op</th><th>Verdict</th>"
         "<th>Implementations</th><th>Kernels and libraries</th><th>Called from</th></tr></thead><tbody>";
  for (const InventoryRow& row : rows) {
    out << "<tr><td><code>" << xml_escape(row.op) << "</code><br><code>" << xml_escape(place_text(row.defined_at))
        << "</code></td><td><span class=\"badge " << badge_class(row) << "\">" << xml_escape(row.verdict)
        << "</span></td><td>" << xml_escape(join_names(row.backends)) << "</td><td>"
        << xml_escape(join_names(row.kernels)) << "</td><td>";
    size_t shown = 0;
    for (const InventoryPlace& caller : row.callers)
      if (shown < 3) out << (shown++ ? "<br>" : "") << "<code>" << xml_escape(place_text(caller)) << "</code>";
    if (row.callers.size() > shown) out << "<br>and " << row.callers.size() - shown << " more";
    if (row.callers.empty()) out << "no Python call found";
    out << "</td></tr>";
  }
  out << "</tbody></table><p class=\"note\">A CUDA-only op has no TPU path until it is ported (torch ops XLA "
         "fuses, or a Pallas kernel); an op with a CPU kernel runs through the CPU fallback, one host "
         "round trip per call. The JSON report's <code>inventory</code> has the full detail.</p></section>";
}

}  // namespace tpu::reports
