// SPDX-License-Identifier: Apache-2.0
// tpu-migrate-torchscript: the libtorch half of `tpu-migrate trace`, a separate executable so
// that tpu-migrate itself never loads libtorch.
//
//   tpu-migrate-torchscript trace --model m.pt --out DIR --input 'float32[1,3,224,224]' ...
//       runs the module's forward once under a RecordFunction observer and writes a trace part
//       (tpu-migrate merges it into DIR/index.json);
//   tpu-migrate-torchscript read-samples FILE...
//       loads sample files with torch::pickle_load and prints one JSON line per file, the proof
//       that what the Python hook wrote is readable from C++.
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <torch/script.h>
#include <torch/serialize.h>

#include "trace/torchscript/input_spec.h"
#include "trace/torchscript/op_observer.h"
#include "trace/torchscript/sample_codec.h"

namespace {

struct TraceArguments {
  std::string model, out;
  std::vector<std::string> inputs;
  tpu::torchscript::ObserverOptions observer;
  int runs = 1;
};

int run_trace(const TraceArguments& arguments) {
  std::vector<c10::IValue> inputs;
  for (const std::string& spec : arguments.inputs) {
    std::string error;
    std::optional<torch::Tensor> input = tpu::torchscript::make_input(spec, &error);
    if (!input) {
      std::cerr << "tpu-migrate-torchscript: --input: " << error << "\n";
      return 2;
    }
    inputs.emplace_back(*input);
  }
  torch::jit::Module module;
  try {
    module = torch::jit::load(arguments.model);
  } catch (const std::exception& error) {
    std::cerr << "tpu-migrate-torchscript: cannot load " << arguments.model << ": " << error.what() << "\n";
    return 2;
  }
  module.eval();
  tpu::torchscript::ObserverOptions options = arguments.observer;
  options.out_dir = arguments.out;
  tpu::torchscript::OpObserver observer(options);
  int status = 0;
  {
    torch::NoGradGuard no_grad;
    observer.start();
    try {
      for (int run = 0; run < arguments.runs; ++run) module.forward(inputs);
    } catch (const std::exception& error) {
      std::cerr << "tpu-migrate-torchscript: forward failed: " << error.what() << "\n";
      status = 1;  // the ops before the failure are still written
    }
    observer.stop();
  }
  if (auto error = observer.write_part()) {
    std::cerr << "tpu-migrate-torchscript: " << *error << "\n";
    return 2;
  }
  return status;
}

int read_samples(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json line = {{"file", file}};
    try {
      line["sample"] = tpu::torchscript::describe(torch::pickle_load(data));
    } catch (const std::exception& error) {
      line["error"] = error.what();
      status = 1;
    }
    std::cout << line.dump() << "\n";
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tpu-migrate-torchscript: trace TorchScript modules with libtorch (used by tpu-migrate trace)"};
  app.require_subcommand(1);
  TraceArguments trace;
  CLI::App* trace_command = app.add_subcommand("trace", "run a module's forward under the op observer");
  trace_command->add_option("--model", trace.model, "TorchScript archive (torch.jit.save)")->required();
  trace_command->add_option("--out", trace.out, "trace folder")->required();
  trace_command->add_option("--input", trace.inputs, "DTYPE[D0,D1,...][:LOW:HIGH], one per forward argument");
  trace_command->add_option("--samples-per-op", trace.observer.samples_per_op);
  trace_command->add_option("--max-tensor-bytes", trace.observer.max_tensor_bytes);
  trace_command->add_option("--max-sample-bytes", trace.observer.max_sample_bytes);
  trace_command->add_option("--limit-ops", trace.observer.limit_ops);
  trace_command->add_option("--runs", trace.runs, "forward passes (default 1)");
  std::vector<std::string> files;
  CLI::App* read_command = app.add_subcommand("read-samples", "load sample files with torch::pickle_load");
  read_command->add_option("files", files)->required();
  CLI11_PARSE(app, argc, argv);
  if (*trace_command) return run_trace(trace);
  return read_samples(files);
}
