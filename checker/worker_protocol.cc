// SPDX-License-Identifier: Apache-2.0
#include "checker/worker_protocol.h"

#include <nlohmann/json.hpp>

namespace tpu::checker {
namespace {

using nlohmann::json;

std::optional<json> parse_object(std::string_view line, std::string* error) {
  json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    if (error) *error = "not a JSON object: " + std::string(line.substr(0, 200));
    return std::nullopt;
  }
  return value;
}

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string encode(const ReplayRequest& r) {
  json line = {{"id", r.id}, {"cmd", "replay"}, {"sample", r.sample}, {"device", r.device},
               {"precision", r.precision}, {"out", r.out}};
  return line.dump() + "\n";
}

std::string encode(const ModelRequest& r) {
  json line = {{"id", r.id}, {"cmd", "model"}, {"model", r.model}, {"inputs", r.inputs},
               {"device", r.device}, {"emulate", r.emulate}, {"precision", r.precision},
               {"seed", r.seed}, {"cwd", r.cwd}, {"out", r.out}};
  if (!r.perturb.empty()) line["perturb"] = r.perturb;
  return line.dump() + "\n";
}

std::string exit_request() { return json{{"id", 0}, {"cmd", "exit"}}.dump() + "\n"; }

std::optional<WorkerHello> parse_hello(std::string_view line, std::string* error) {
  auto object = parse_object(line, error);
  if (!object) return std::nullopt;
  WorkerHello hello;
  hello.protocol = text(*object, "protocol");
  if (hello.protocol != kWorkerProtocol) {
    if (error) *error = "the worker speaks \"" + hello.protocol + "\", not " + std::string(kWorkerProtocol);
    return std::nullopt;
  }
  hello.ok = object->value("ok", false);
  hello.torch = text(*object, "torch");
  hello.device = text(*object, "device");
  hello.description = text(*object, "description");
  hello.precision = text(*object, "precision");
  hello.error = text(*object, "error");
  return hello;
}

std::optional<WorkerReply> parse_reply(std::string_view line, std::string* error) {
  auto object = parse_object(line, error);
  if (!object) return std::nullopt;
  auto id = object->find("id");
  if (id == object->end() || !id->is_number_unsigned()) {
    if (error) *error = "a reply without an id: " + std::string(line.substr(0, 200));
    return std::nullopt;
  }
  WorkerReply reply;
  reply.id = id->get<uint64_t>();
  reply.ok = object->value("ok", false);
  reply.kind = text(*object, "kind");
  reply.error = text(*object, "error");
  if (auto seconds = object->find("seconds"); seconds != object->end() && seconds->is_number())
    reply.seconds = seconds->get<double>();
  if (auto notes = object->find("notes"); notes != object->end() && notes->is_array())
    for (const json& note : *notes)
      if (note.is_string()) reply.notes.push_back(note.get<std::string>());
  if (!reply.ok && reply.kind.empty()) reply.kind = "error";
  return reply;
}

}  // namespace tpu::checker
