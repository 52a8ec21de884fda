// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/finding_codec.h"

namespace tpu::cache {
namespace {

void write_path(ByteWriter& out, const std::string& path, const std::string& file_path) {
  if (path == file_path) {
    out.boolean(false);
    return;
  }
  out.boolean(true);
  out.string(path);
}

std::string read_path(ByteReader& in, const std::string& file_path) {
  return in.boolean() ? in.string() : file_path;
}

// An enum stored as its number, refused when past its last value.
template <class Enum>
Enum read_enum(ByteReader& in, Enum last) {
  uint64_t value = in.u64();
  if (value > static_cast<uint64_t>(last)) in.fail();
  return in.ok() ? static_cast<Enum>(value) : Enum{};
}

}  // namespace

void write_location(ByteWriter& out, const Location& location, const std::string& file_path) {
  write_path(out, location.path, file_path);
  for (uint32_t value : {location.line, location.column, location.end_line, location.end_column,
                         location.begin_byte, location.end_byte})
    out.u64(value);
}

Location read_location(ByteReader& in, const std::string& file_path) {
  Location location;
  location.path = read_path(in, file_path);
  location.line = in.u32();
  location.column = in.u32();
  location.end_line = in.u32();
  location.end_column = in.u32();
  location.begin_byte = in.u32();
  location.end_byte = in.u32();
  return location;
}

void write_finding(ByteWriter& out, const Finding& finding, const std::string& file_path) {
  out.string(finding.rule);
  out.u64(static_cast<uint64_t>(finding.category));
  out.u64(static_cast<uint64_t>(finding.severity));
  write_location(out, finding.location, file_path);
  out.string(finding.symbol);
  out.string(finding.message);
  out.boolean(finding.fix.has_value());
  if (!finding.fix) return;
  const Fix& fix = *finding.fix;
  out.u64(static_cast<uint64_t>(fix.applicability));
  out.string(fix.description);
  write_list(out, fix.edits, [&](const Edit& edit) {
    write_path(out, edit.path, file_path);
    out.u64(edit.begin_byte);
    out.u64(edit.end_byte);
    out.string(edit.replacement);
  });
  out.boolean(fix.site.has_value());
  if (!fix.site) return;
  out.string(fix.site->key);
  out.u64(fix.site->begin_byte);
  out.u64(fix.site->end_byte);
  out.strings(fix.site->args);
}

Finding read_finding(ByteReader& in, const std::string& file_path) {
  Finding finding;
  finding.rule = in.string();
  finding.category = read_enum(in, static_cast<Category>(kCategoryCount - 1));
  finding.severity = read_enum(in, Severity::Blocker);
  finding.location = read_location(in, file_path);
  finding.symbol = in.string();
  finding.message = in.string();
  if (!in.boolean()) return finding;
  Fix& fix = finding.fix.emplace();
  fix.applicability = read_enum(in, Applicability::Safe);
  fix.description = in.string();
  fix.edits = read_list<Edit>(in, [&] {
    Edit edit;
    edit.path = read_path(in, file_path);
    edit.begin_byte = in.u32();
    edit.end_byte = in.u32();
    edit.replacement = in.string();
    return edit;
  });
  if (!in.boolean()) return finding;
  FixSite& site = fix.site.emplace();
  site.key = in.string();
  site.begin_byte = in.u32();
  site.end_byte = in.u32();
  site.args = in.strings();
  return finding;
}

void write_input_error(ByteWriter& out, const InputError& error, const std::string& file_path) {
  write_path(out, error.path, file_path);
  out.u64(error.line);
  out.string(error.message);
}

InputError read_input_error(ByteReader& in, const std::string& file_path) {
  InputError error;
  error.path = read_path(in, file_path);
  error.line = in.u32();
  error.message = in.string();
  return error;
}

}  // namespace tpu::cache
