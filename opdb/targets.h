// SPDX-License-Identifier: Apache-2.0
// The two TPU targets, and which one every command answers for when the user names none.
// TorchTPU (`torch_tpu`, device "tpu") is the default: PyTorch/XLA's own README says TorchTPU
// replaces it (../shared/TARGETS.md). `--target xla` keeps PyTorch/XLA.
#pragma once

#include <string_view>

namespace tpu::opdb {

/// TorchTPU: Google's native PyTorch backend (`torch_tpu`, device "tpu", PrivateUse1).
inline constexpr std::string_view kTorchTpuTarget = "torchtpu";
/// PyTorch/XLA (`torch_xla`, device "xla").
inline constexpr std::string_view kXlaTarget = "xla";

/// The target of a scan, rewrite, ops query, report or numerics check that names none (no
/// `--target`, no `target` in the configuration): the one place the default is decided.
inline constexpr std::string_view kDefaultTarget = kTorchTpuTarget;

/// The default before TorchTPU became it. Files written then that name no target (baselines,
/// JSON reports without a `profile`) were written for it.
inline constexpr std::string_view kLegacyDefaultTarget = kXlaTarget;

/// Whether a configuration file's `target` names one of the two TPU targets.
constexpr bool is_tpu_target(std::string_view target) { return target == kTorchTpuTarget || target == kXlaTarget; }

/// What a configuration file's `target` may be, for its error message.
inline constexpr std::string_view kTargetChoices =
    "'target' must be \"torchtpu\" (TorchTPU, the default) or \"xla\" (PyTorch/XLA)";

/// "TorchTPU" or "PyTorch/XLA" for the two TPU targets; any other target as it is spelled.
constexpr std::string_view target_display_name(std::string_view target) {
  if (target == kTorchTpuTarget) return "TorchTPU";
  if (target == kXlaTarget) return "PyTorch/XLA";
  return target;
}

/// The other TPU target: xla for torchtpu, torchtpu for anything else (what a message compares
/// the chosen target with).
constexpr std::string_view other_tpu_target(std::string_view target) {
  return target == kTorchTpuTarget ? kXlaTarget : kTorchTpuTarget;
}

}  // namespace tpu::opdb
