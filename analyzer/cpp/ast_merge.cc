// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/ast_merge.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace tpu::cpp {
namespace {

// The branch of the token that starts at `offset` (Alternate when the preprocessor of the
// tree took a branch the structure does not follow).
Branch branch_at(const LexedFile& lexed, uint32_t offset) {
  auto it = std::lower_bound(lexed.tokens.begin(), lexed.tokens.end(), offset,
                             [](const Token& token, uint32_t at) { return token.begin < at; });
  if (it == lexed.tokens.end() || it->begin != offset) return Branch::Active;
  return it->branch;
}

CodeKind stronger(CodeKind a, CodeKind b) {
  if (a == CodeKind::Kernel || b == CodeKind::Kernel) return CodeKind::Kernel;
  if (a == CodeKind::HostDevice || b == CodeKind::HostDevice) return CodeKind::HostDevice;
  if (a == CodeKind::Device || b == CodeKind::Device) return CodeKind::Device;
  return CodeKind::Host;
}

}  // namespace

void finalize_blocks(Structure& s) {
  std::vector<int> order(s.blocks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s.blocks[a].open < s.blocks[b].open; });
  std::vector<int> new_index(s.blocks.size());
  std::vector<Block> sorted;
  sorted.reserve(s.blocks.size());
  for (size_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = static_cast<int>(i);
    sorted.push_back(std::move(s.blocks[order[i]]));
  }
  // Parents from nesting: the nearest earlier block that is still open.
  std::vector<int> stack;
  for (size_t i = 0; i < sorted.size(); ++i) {
    while (!stack.empty() && sorted[stack.back()].close <= sorted[i].open) stack.pop_back();
    sorted[i].parent = stack.empty() ? -1 : stack.back();
    stack.push_back(static_cast<int>(i));
  }
  s.blocks = std::move(sorted);
  auto remap = [&](int& index) {
    if (index >= 0) index = new_index[index];
  };
  for (Launch& launch : s.launches) remap(launch.block);
  for (BindingModule& module : s.modules) remap(module.block);
  for (Binding& binding : s.bindings) remap(binding.lambda_block);
}

void merge_ast(Structure& s, const AstFacts& facts, const LexedFile& lexed) {
  if (!facts.available) return;
  std::unordered_map<uint32_t, const AstBody*> by_open;
  for (const AstBody& body : facts.bodies) by_open.emplace(body.open, &body);

  for (Block& block : s.blocks) {
    auto it = by_open.find(block.open);
    if (it == by_open.end()) continue;
    block.confirmed = true;
    // The tree resolves attribute macros the tokens could only guess at.
    if (block.type == BlockType::Function && !it->second->lambda) block.code = stronger(block.code, it->second->code);
    if (it->second->is_template) block.is_template = true;
    by_open.erase(it);
  }
  // Functions only the tree has: defined through a macro. Lambdas of stand-in macros and
  // bodies in branches the structure does not follow are left out, so that both modes see
  // the same functions.
  for (const AstBody& body : facts.bodies) {
    if (body.lambda || !by_open.count(body.open) || body.name.empty()) continue;
    if (branch_at(lexed, body.open) != Branch::Active) continue;
    if (body.name.starts_with("tpu_") || body.name.starts_with("operator")) continue;
    Block block;
    block.type = BlockType::Function;
    block.name = body.name;
    block.qualified = body.name;
    block.name_begin = body.name_begin;
    block.name_end = body.name_end;
    block.open = body.open;
    block.close = std::max(body.close, body.open + 1);
    block.code = body.code;
    block.is_template = body.is_template;
    block.confirmed = true;
    block.from_ast_only = true;
    s.blocks.push_back(std::move(block));
  }
  finalize_blocks(s);

  // Launches: the tree confirms the `<<<` it also sees, and names kernels the tokens could not.
  std::unordered_map<uint32_t, Launch*> by_chevron;
  for (Launch& launch : s.launches)
    if (launch.chevron != UINT32_MAX) by_chevron.emplace(launch.chevron, &launch);
  for (const AstLaunch& launch : facts.launches) {
    if (launch.chevron != UINT32_MAX) {
      if (auto it = by_chevron.find(launch.chevron); it != by_chevron.end()) {
        it->second->confirmed = true;
        if (it->second->kernel.empty()) it->second->kernel = launch.kernel;
        if (!it->second->macro.empty() && !launch.kernel.empty())
          s.launch_edges.emplace_back(launch.begin, launch.kernel);  // the macro's call site
        continue;
      }
      if (branch_at(lexed, launch.chevron) != Branch::Active) continue;
    }
    if (branch_at(lexed, launch.begin) != Branch::Active) continue;
    Launch added;  // through a macro written in another file
    added.kernel = launch.kernel;
    added.begin = launch.begin;
    added.end = launch.begin + 1;
    added.block = s.function_at(launch.begin);
    added.confirmed = true;
    added.from_ast_only = true;
    s.launch_edges.emplace_back(launch.begin, launch.kernel);
    s.launches.push_back(std::move(added));
  }

  // Calls the tree resolves (through macros too) join the token-level ones.
  for (const AstCall& call : facts.calls) {
    if (call.callee.starts_with("operator") || call.callee.starts_with("__")) continue;
    int b = s.function_at(call.at);
    if (b < 0) continue;
    std::vector<std::string>& calls = s.blocks[b].calls;
    auto at = std::lower_bound(calls.begin(), calls.end(), call.callee);
    if (at == calls.end() || *at != call.callee) calls.insert(at, call.callee);
  }
}

}  // namespace tpu::cpp
