// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/python_analysis_codec.h"

#include "analyzer/cache/finding_codec.h"

namespace tpu::cache {
namespace {

void write_reference(ByteWriter& out, const python::ModuleReference& reference, const std::string& path) {
  out.string(reference.qualified);
  out.boolean(reference.is_import);
  write_location(out, reference.location, path);
}

python::ModuleReference read_reference(ByteReader& in, const std::string& path) {
  python::ModuleReference reference;
  reference.qualified = in.string();
  reference.is_import = in.boolean();
  reference.location = read_location(in, path);
  return reference;
}

void write_suppressions(ByteWriter& out, const Suppressions& suppressions) {
  Suppressions::State state = suppressions.state();
  write_list(out, state.by_line, [&](const auto& entry) {
    out.u64(entry.first);
    out.strings(entry.second);
  });
  out.strings(state.file_wide);
  out.boolean(state.whole_file);
  write_list(out, state.regions, [&](const auto& region) {
    out.u64(region.first);
    out.u64(region.second);
  });
  out.u64(state.open_region);
}

Suppressions read_suppressions(ByteReader& in) {
  Suppressions::State state;
  state.by_line = read_list<std::pair<uint32_t, std::vector<std::string>>>(in, [&] {
    uint32_t line = in.u32();
    return std::make_pair(line, in.strings());
  });
  state.file_wide = in.strings();
  state.whole_file = in.boolean();
  state.regions = read_list<std::pair<uint32_t, uint32_t>>(in, [&] {
    uint32_t first = in.u32();
    return std::make_pair(first, in.u32());
  });
  state.open_region = in.u32();
  return Suppressions::from_state(std::move(state));
}

void write_op_use(ByteWriter& out, const OpUse& use, const std::string& path) {
  out.string(use.op);
  out.string(use.status);
  out.string(use.reason);
  out.strings(use.sources);
  out.u64(use.count);
  write_list(out, use.locations, [&](const Location& at) { write_location(out, at, path); });
}

OpUse read_op_use(ByteReader& in, const std::string& path) {
  OpUse use;
  use.op = in.string();
  use.status = in.string();
  use.reason = in.string();
  use.sources = in.strings();
  use.count = in.u64();
  use.locations = read_list<Location>(in, [&] { return read_location(in, path); });
  return use;
}

void write_helpers(ByteWriter& out, const python::HelperFacts& facts, const std::string& path) {
  out.string(facts.module);
  out.string(facts.path);
  write_list(out, facts.definitions, [&](const python::HelperDefinition& definition) {
    out.string(definition.key);
    out.string(definition.name);
    out.u64(definition.begin_byte);
    out.u64(definition.end_byte);
    out.u64(definition.line);
    out.u64(definition.end_line);
    out.boolean(definition.is_class);
    out.i64(definition.owner);
  });
  write_list(out, facts.calls, [&](const python::HelperCall& call) {
    out.strings(call.keys);
    write_location(out, call.location, path);
    out.i64(call.caller);
    out.boolean(call.self_call);
  });
  write_list(out, facts.exports, [&](const auto& pair) {
    out.string(pair.first);
    out.string(pair.second);
  });
}

python::HelperFacts read_helpers(ByteReader& in, const std::string& path) {
  python::HelperFacts facts;
  facts.module = in.string();
  facts.path = in.string();
  facts.definitions = read_list<python::HelperDefinition>(in, [&] {
    python::HelperDefinition definition;
    definition.key = in.string();
    definition.name = in.string();
    definition.begin_byte = in.u32();
    definition.end_byte = in.u32();
    definition.line = in.u32();
    definition.end_line = in.u32();
    definition.is_class = in.boolean();
    definition.owner = static_cast<int>(in.i64());
    return definition;
  });
  facts.calls = read_list<python::HelperCall>(in, [&] {
    python::HelperCall call;
    call.keys = in.strings();
    call.location = read_location(in, path);
    call.caller = static_cast<int>(in.i64());
    call.self_call = in.boolean();
    return call;
  });
  facts.exports = read_list<std::pair<std::string, std::string>>(in, [&] {
    std::string local = in.string();
    return std::make_pair(std::move(local), in.string());
  });
  // An index past the file's definitions would be followed by the helper pass.
  auto valid_index = [&](int index) {
    return index >= -1 && index < static_cast<int>(facts.definitions.size());
  };
  for (const auto& definition : facts.definitions)
    if (!valid_index(definition.owner)) in.fail();
  for (const auto& call : facts.calls)
    if (!valid_index(call.caller)) in.fail();
  return facts;
}

}  // namespace

std::string encode_python_analysis(const python::PythonAnalysis& analysis, const std::string& path) {
  ByteWriter out;
  write_list(out, analysis.findings, [&](const Finding& finding) { write_finding(out, finding, path); });
  write_list(out, analysis.errors, [&](const InputError& error) { write_input_error(out, error, path); });
  write_suppressions(out, analysis.suppressions);
  out.strings(analysis.declared_extensions);
  for (const auto* references : {&analysis.references, &analysis.attribute_references})
    write_list(out, *references, [&](const python::ModuleReference& reference) {
      write_reference(out, reference, path);
    });
  write_list(out, analysis.op_uses, [&](const OpUse& use) { write_op_use(out, use, path); });
  write_helpers(out, analysis.helpers, path);
  return std::move(out.bytes());
}

std::optional<python::PythonAnalysis> decode_python_analysis(std::string_view bytes, const std::string& path) {
  ByteReader in(bytes);
  python::PythonAnalysis analysis;
  analysis.findings = read_list<Finding>(in, [&] { return read_finding(in, path); });
  analysis.errors = read_list<InputError>(in, [&] { return read_input_error(in, path); });
  analysis.suppressions = read_suppressions(in);
  analysis.declared_extensions = in.strings();
  for (auto* references : {&analysis.references, &analysis.attribute_references})
    *references = read_list<python::ModuleReference>(in, [&] { return read_reference(in, path); });
  analysis.op_uses = read_list<OpUse>(in, [&] { return read_op_use(in, path); });
  analysis.helpers = read_helpers(in, path);
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return analysis;
}

// Paths differ from finding to finding: each is stored (an empty "file path" matches none).
std::string encode_linked_python(const LinkedPython& linked) {
  const std::string none;
  ByteWriter out;
  write_list(out, linked.findings, [&](const Finding& finding) { write_finding(out, finding, none); });
  write_list(out, linked.errors, [&](const InputError& error) { write_input_error(out, error, none); });
  write_list(out, linked.ops, [&](const OpUse& use) { write_op_use(out, use, none); });
  return std::move(out.bytes());
}

std::optional<LinkedPython> decode_linked_python(std::string_view bytes) {
  const std::string none;
  ByteReader in(bytes);
  LinkedPython linked;
  linked.findings = read_list<Finding>(in, [&] { return read_finding(in, none); });
  linked.errors = read_list<InputError>(in, [&] { return read_input_error(in, none); });
  linked.ops = read_list<OpUse>(in, [&] { return read_op_use(in, none); });
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return linked;
}

}  // namespace tpu::cache
