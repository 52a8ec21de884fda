// SPDX-License-Identifier: Apache-2.0
// The device worker's line protocol: requests as the engine writes them, replies and hellos
// as a worker might send them, and what is refused.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "checker/worker_protocol.h"

using namespace tpu::checker;

TEST_CASE("worker protocol: requests are one JSON line") {
  ReplayRequest request{7, "/t/samples/p1-00000.pt", "xla", "highest", "/tmp/out-7.pt"};
  std::string line = encode(request);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  auto json = nlohmann::json::parse(line);
  CHECK(json["cmd"] == "replay");
  CHECK(json["id"] == 7);
  CHECK(json["sample"] == "/t/samples/p1-00000.pt");
  CHECK(json["device"] == "xla");
  CHECK(json["precision"] == "highest");
  CHECK(json["out"] == "/tmp/out-7.pt");

  ModelRequest model;
  model.id = 8;
  model.model = "pkg.models:build";
  model.inputs = {"float32[8,16]"};
  model.emulate = "tpu";
  auto parsed = nlohmann::json::parse(encode(model));
  CHECK(parsed["cmd"] == "model");
  CHECK(parsed["inputs"][0] == "float32[8,16]");
  CHECK(nlohmann::json::parse(exit_request())["cmd"] == "exit");
}

TEST_CASE("worker protocol: hello") {
  std::string error;
  auto hello = parse_hello(R"({"protocol":"tpu-migrate/check-worker@1","ok":true,"torch":"2.4.0",)"
                           R"("device":"xla:0","description":"torch 2.4.0, torch_xla 2.4.0","precision":"x"})",
                           &error);
  REQUIRE(hello);
  CHECK(hello->ok);
  CHECK(hello->device == "xla:0");
  auto refused = parse_hello(R"({"protocol":"tpu-migrate/check-worker@1","ok":false,"error":"no torch_xla"})", &error);
  REQUIRE(refused);
  CHECK_FALSE(refused->ok);
  CHECK(refused->error == "no torch_xla");
  CHECK_FALSE(parse_hello(R"({"protocol":"something-else@9","ok":true})", &error));
  CHECK(error.find("something-else@9") != std::string::npos);
  CHECK_FALSE(parse_hello("Traceback (most recent call last):", &error));
}

TEST_CASE("worker protocol: replies") {
  std::string error;
  auto ok = parse_reply(R"({"id":3,"ok":true,"seconds":0.25})", &error);
  REQUIRE(ok);
  CHECK(ok->id == 3);
  CHECK(ok->seconds == doctest::Approx(0.25));
  auto skip = parse_reply(R"({"id":4,"ok":false,"kind":"skip","error":"no such op"})", &error);
  REQUIRE(skip);
  CHECK(skip->kind == "skip");
  auto failed = parse_reply(R"({"id":5,"ok":false,"error":"RuntimeError: boom"})", &error);
  REQUIRE(failed);
  CHECK(failed->kind == "error");  // the default kind
  CHECK_FALSE(parse_reply(R"({"ok":true})", &error));
  CHECK_FALSE(parse_reply("[1,2]", &error));
}
