// Fuzz target: the YAML configuration files, all read through core/config's KeyReader:
// the server's (server/config.h), the trainer daemon's (trainer/daemon_config.h), training
// configs (core/train/train_config.h), and the KeyReader itself with one key of every kind.
// The FIRST BYTE picks the reader (byte % 4, in that order: seeds start with '0'...'3'), the
// rest is the file.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/yaml_keys.h"
#include "core/train/train_config.h"
#include "fuzz/checks.h"
#include "server/config.h"
#include "trainer/daemon_config.h"

using bioner::Status;
using bioner::StatusOr;
using bioner::config::KeyReader;
using bioner::fuzz::ExpectMessage;

namespace {

// Every typed read, a nested section and the final checks, each error checked.
void ReadEveryKind(std::string_view text) {
  StatusOr<KeyReader> r = KeyReader::Parse(text, "fuzz.yaml");
  ExpectMessage(r);
  if (!r.ok()) return;
  int64_t i64 = 0;
  int i32 = 0;
  double real = 0;
  std::optional<double> maybe_real;
  bool flag = false;
  std::optional<bool> maybe_flag;
  std::string str, address = "0.0.0.0:1";
  std::vector<std::string> list;
  ExpectMessage(r->Int("int", &i64, -5, 70000));
  ExpectMessage(r->Int("small", &i32));
  ExpectMessage(r->Number("number", &real));
  ExpectMessage(r->Number("maybe_number", &maybe_real));
  ExpectMessage(r->Bool("bool", &flag));
  ExpectMessage(r->Bool("maybe_bool", &maybe_flag));
  ExpectMessage(r->String("string", &str));
  ExpectMessage(r->Address("listen", &address));
  ExpectMessage(r->StringList("list", &list));
  StatusOr<KeyReader> section = r->Section("section");
  ExpectMessage(section);
  if (section.ok()) {
    ExpectMessage(section->Int("int", &i64));
    ExpectMessage(section->String("string", &str));
    ExpectMessage(section->Finish());
  }
  ExpectMessage(r->Finish());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      ReadEveryKind(text);
      break;
    case 1:
      ExpectMessage(bioner::server::ParseServerConfig(text, "server.yaml"));
      break;
    case 2:
      ExpectMessage(bioner::trainer::ParseDaemonConfig(text, "trainer.yaml"));
      break;
    default:
      ExpectMessage(bioner::train::ParseTrainConfig(text, "train.yaml"));
      break;
  }
  return 0;
}
