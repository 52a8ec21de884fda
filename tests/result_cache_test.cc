// SPDX-License-Identifier: Apache-2.0
// The result cache: entries that fail their checks read as missing, concurrent writers never
// leave a broken entry, and a scan from the cache equals a scan without it, also when a file
// that another file's findings depend on changes.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "analyzer/cache/entry_store.h"
#include "analyzer/cache/python_analysis_codec.h"
#include "analyzer/cache/result_cache.h"
#include "analyzer/scan.h"
#include "test_support.h"

using namespace tpu;
namespace fs = std::filesystem;

namespace {

// Everything a report shows of a scan.
std::string describe(const ScanResult& result) {
  std::ostringstream out;
  for (const Finding& f : result.findings)
    out << f.location.path << ":" << f.location.line << ":" << f.location.column << "-" << f.location.end_line << ":"
        << f.location.end_column << " " << f.rule << " " << to_string(f.severity) << " " << to_string(f.category)
        << " " << f.symbol << " " << f.message << (f.fix ? " fix:" + f.fix->description : "") << "\n";
  for (const InputError& e : result.errors) out << "error " << e.path << ":" << e.line << " " << e.message << "\n";
  for (const OpUse& op : result.ops) {
    out << "op " << op.op << " " << op.status << " " << op.count;
    for (const Location& at : op.locations) out << " " << at.path << ":" << at.line;
    out << "\n";
  }
  out << result.files_scanned << " files, " << result.bytes_scanned << " bytes\n";
  return out.str();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

size_t count_entries(const fs::path& dir) {
  size_t entries = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  for (const auto& item : fs::recursive_directory_iterator(dir))
    if (item.is_regular_file() && item.path().filename() != ".gitignore") ++entries;
  return entries;
}

ScanOptions cached_options(const fs::path& cache_dir = {}) {
  ScanOptions options;
  options.cache.enabled = true;
  options.cache.dir = cache_dir;
  return options;
}

void write_helper_tree(const testing::TempDir& dir) {
  dir.write("pkg/__init__.py", "from .amp_utils import autocast_ctx\n");
  dir.write("pkg/amp_utils.py",
            "import torch\n"
            "\n"
            "def autocast_ctx():\n"
            "    return torch.autocast(\"cuda\", dtype=torch.float16)\n"
            "\n"
            "def sync_all():\n"
            "    torch.cuda.synchronize()\n");
  dir.write("train.py",
            "import torch\n"
            "from pkg import autocast_ctx\n"
            "from pkg.amp_utils import sync_all\n"
            "\n"
            "def step(model, x):\n"
            "    with autocast_ctx():\n"
            "        y = model(x.cuda()).nonzero()\n"
            "    sync_all()\n"
            "    z = x.cuda()  # tpu-migrate: ignore\n"
            "    return y, z\n");
}

}  // namespace

TEST_CASE("cache: an entry that fails its checks reads as missing and is written again") {
  testing::TempDir dir;
  cache::EntryStore store(dir.path() / "c", "test", cache::content_hash("space"));
  cache::Hash128 key = cache::content_hash("key");
  CHECK_FALSE(store.load(key));
  store.store(key, "payload");
  REQUIRE(store.load(key) == std::optional<std::string>("payload"));
  fs::path entry = store.folder() / key.hex();
  std::string whole = read_file(entry);
  CHECK(read_file(dir.path() / "c" / ".gitignore").find("\n*\n") != std::string::npos);

  auto overwrite = [&](const std::string& bytes) { std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes; };
  overwrite(whole.substr(0, whole.size() - 2));  // truncated
  CHECK_FALSE(store.load(key));
  std::string flipped = whole;
  flipped.back() ^= 0x20;  // corrupt payload
  overwrite(flipped);
  CHECK_FALSE(store.load(key));
  std::string foreign = whole;
  foreign[5] = '\x09';  // another format version
  overwrite(foreign);
  CHECK_FALSE(store.load(key));
  overwrite("");
  CHECK_FALSE(store.load(key));
  // Another key's entry under this key's name.
  cache::EntryStore other(dir.path() / "o", "test", cache::content_hash("space"));
  other.store(cache::content_hash("other"), "payload");
  overwrite(read_file(other.folder() / cache::content_hash("other").hex()));
  CHECK_FALSE(store.load(key));

  store.store(key, "payload");
  CHECK(store.load(key) == std::optional<std::string>("payload"));
  CHECK(store.warning().empty());
}

TEST_CASE("cache: concurrent writers of one cache leave only whole entries") {
  testing::TempDir dir;
  std::vector<std::jthread> writers;
  for (int w = 0; w < 8; ++w)
    writers.emplace_back([&, w] {
      // Each writer has its own store object, as separate runs would.
      cache::EntryStore store(dir.path(), "test", cache::content_hash("space"));
      for (int i = 0; i < 200; ++i) {
        std::string name = std::to_string(i % 20);
        store.store(cache::content_hash(name), std::string(1000 + i % 20, static_cast<char>('a' + i % 20)) + name);
        (void)w;
      }
    });
  writers.clear();  // joins
  cache::EntryStore store(dir.path(), "test", cache::content_hash("space"));
  for (int i = 0; i < 20; ++i) {
    std::string name = std::to_string(i);
    CHECK(store.load(cache::content_hash(name)) ==
          std::optional<std::string>(std::string(1000 + i, static_cast<char>('a' + i)) + name));
  }
  CHECK(count_entries(store.folder()) == 20);  // no temporary file left behind
}

TEST_CASE("cache: a folder that cannot be written is one warning, and the scan is complete") {
  testing::TempDir dir;
  write_helper_tree(dir);
  // Below a plain file: no folder can be made there, whoever runs the test.
  fs::path blocked = dir.write("blocked", "a file") / "cache";
  ScanResult result = scan(dir.path(), cached_options(blocked));
  CHECK(result.cache_warning.find("cannot write the cache in " + blocked.string()) != std::string::npos);
  CHECK(describe(result) == describe(scan(dir.path(), {})));
}

TEST_CASE("cache: a Python analysis survives its encoding whole") {
  std::string code =
      "import torch  # tpu-migrate: ignore-file[TPU999]\n"
      "from torch.utils.cpp_extension import load\n"
      "ext = load(name='fused_ops_cuda', sources=['k.cu'])\n"
      "import fused_ops_cuda\n"
      "def helper(x):\n"
      "    return x.cuda().nonzero()  # tpu-migrate: ignore[TPU102]\n"
      "class Runner:\n"
      "    def go(self, x):\n"
      "        return helper(fused_ops_cuda.f(x))\n";
  python::PythonAnalysis analysis = python::analyze_python(SourceFile("pkg/m.py", code));
  REQUIRE_FALSE(analysis.findings.empty());
  std::string bytes = cache::encode_python_analysis(analysis, "pkg/m.py");
  auto decoded = cache::decode_python_analysis(bytes, "pkg/m.py");
  REQUIRE(decoded);
  CHECK(cache::encode_python_analysis(*decoded, "pkg/m.py") == bytes);
  CHECK(decoded->helpers.definitions.size() == analysis.helpers.definitions.size());
  CHECK(decoded->findings.front().location.path == "pkg/m.py");
  // Every truncation is refused, never read past its end.
  for (size_t size = 0; size < bytes.size(); ++size)
    CHECK_FALSE(cache::decode_python_analysis(std::string_view(bytes).substr(0, size), "pkg/m.py"));
}

TEST_CASE("cache: a cached scan equals an uncached one, also after a file its findings depend on changes") {
  testing::TempDir dir;
  write_helper_tree(dir);
  ScanOptions cached = cached_options();
  std::string uncached = describe(scan(dir.path(), {}));
  REQUIRE(uncached.find("train.py:8:5-8:15 TPU150") != std::string::npos);
  CHECK(describe(scan(dir.path(), cached)) == uncached);  // fills the cache
  fs::path cache_dir = dir.path() / ".tpu-migrate-cache";
  CHECK(count_entries(cache_dir) == 4);  // the three files, and the linked result of all of them
  CHECK(describe(scan(dir.path(), cached)) == uncached);  // reads it
  CHECK(describe(scan(dir.path(), [] {
          ScanOptions one = cached_options();
          one.jobs = 1;
          return one;
        }())) == uncached);

  // --select/--ignore apply to cached results too, and the helper links follow them.
  ScanOptions ignoring = cached;
  ignoring.filter = RuleFilter({}, {"cuda-api"});
  ScanOptions ignoring_uncached;
  ignoring_uncached.filter = ignoring.filter;
  CHECK(describe(scan(dir.path(), ignoring)) == describe(scan(dir.path(), ignoring_uncached)));

  // The helper no longer wraps a CUDA call: the call in train.py, whose file did not change,
  // is no tie any more.
  dir.write("pkg/amp_utils.py",
            "import torch\n"
            "\n"
            "def autocast_ctx():\n"
            "    return torch.autocast(\"cuda\", dtype=torch.float16)\n"
            "\n"
            "def sync_all():\n"
            "    pass\n");
  std::string changed = describe(scan(dir.path(), {}));
  CHECK(changed.find("train.py:8:5-8:15 TPU150") == std::string::npos);
  CHECK(describe(scan(dir.path(), cached)) == changed);
  // The changed file's new entry, and the linked result of the rules ignoring cuda-api.
  CHECK(count_entries(cache_dir) == 6);

  // A target changes op statuses: the non-default one is another space, with its own entries.
  ScanOptions xla = cached, xla_uncached;
  xla.target = xla_uncached.target = "xla";
  REQUIRE(cached.target != "xla");
  CHECK(describe(scan(dir.path(), xla)) == describe(scan(dir.path(), xla_uncached)));
  CHECK(count_entries(cache_dir) == 10);
}

TEST_CASE("cache: a corrupt entry is ignored and rewritten; the cache folder is never scanned") {
  testing::TempDir dir;
  write_helper_tree(dir);
  std::string uncached = describe(scan(dir.path(), {}));
  ScanResult first = scan(dir.path(), cached_options());
  fs::path cache_dir = dir.path() / ".tpu-migrate-cache";
  std::vector<fs::path> entries;
  for (const auto& item : fs::recursive_directory_iterator(cache_dir))
    if (item.is_regular_file() && item.path().filename() != ".gitignore") entries.push_back(item.path());
  REQUIRE(entries.size() == 4);  // the linked result too
  std::map<fs::path, std::string> good;
  for (const fs::path& entry : entries) {
    good[entry] = read_file(entry);
    std::string bad = good[entry];
    bad[bad.size() / 2] ^= 0x55;
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bad;
  }
  // A Python file in the cache folder is no source.
  dir.write(".tpu-migrate-cache/stray.py", "import torch\ntorch.cuda.synchronize()\n");
  ScanResult again = scan(dir.path(), cached_options());
  CHECK(again.cache_warning.empty());
  CHECK(describe(again) == uncached);
  for (const fs::path& entry : entries) CHECK(read_file(entry) == good[entry]);
}
