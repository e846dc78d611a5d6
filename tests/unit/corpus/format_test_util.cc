#include "tests/unit/corpus/format_test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/util/utf8.h"
#include "tests/support/shared_data.h"

namespace bioner::testing_formats {
namespace fs = std::filesystem;

namespace {

std::vector<std::string>& Created() {
  static auto* dirs = new std::vector<std::string>();
  return *dirs;
}

void RemoveCreated() {
  std::error_code ec;
  for (const std::string& d : Created()) fs::remove_all(d, ec);
}

}  // namespace

std::string Corpus(const std::string& rel) { return test_support::SharedPath("corpora/" + rel); }

std::string TempDir() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(RemoveCreated); });
  std::string tmpl = (fs::temp_directory_path() / "bioner_formats_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return "";
  Created().push_back(tmpl);
  return tmpl;
}

std::string WriteText(const std::string& dir, const std::string& name, const std::string& content) {
  const fs::path path = fs::path(dir) / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

std::string Extract(const std::string& archive) {
  const std::string dir = TempDir();
  struct archive* in = archive_read_new();
  archive_read_support_format_all(in);
  archive_read_support_filter_all(in);
  std::string result = dir;
  if (archive_read_open_filename(in, archive.c_str(), 1 << 16) != ARCHIVE_OK) result = "";
  struct archive_entry* entry = nullptr;
  while (!result.empty() && archive_read_next_header(in, &entry) == ARCHIVE_OK) {
    const fs::path path = fs::path(dir) / archive_entry_pathname(entry);
    if (archive_entry_filetype(entry) == AE_IFDIR) {
      fs::create_directories(path);
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    while (archive_read_data_block(in, &buf, &size, &offset) == ARCHIVE_OK) {
      out.write(static_cast<const char*>(buf), static_cast<std::streamsize>(size));
    }
  }
  archive_read_free(in);
  return result;
}

StatusOr<std::vector<Document>> Read(const std::string& format,
                                     const std::vector<std::string>& files, CorpusReport* report,
                                     const std::map<std::string, std::string>& options) {
  const FormatReader reader = FindFormat(format);
  if (reader == nullptr) return NotFound("no format " + format);
  FormatInput input;
  input.corpus = "test";
  input.files = files;
  input.options = options;
  return reader(input, report);
}

std::map<std::string, long> LabelCounts(const std::vector<Document>& docs) {
  std::map<std::string, long> counts;
  for (const Document& d : docs) {
    for (const Entity& e : d.entities()) ++counts[e.type];
  }
  return counts;
}

long EntityCount(const std::vector<Document>& docs) {
  long n = 0;
  for (const Document& d : docs) n += static_cast<long>(d.entities().size());
  return n;
}

long TextMismatches(const std::vector<Document>& docs) {
  long n = 0;
  for (const Document& d : docs) {
    for (const Entity& e : d.entities()) {
      StatusOr<std::string> s = utf8::Substr(d.text(), e.start, e.end);
      if (!s.ok() || *s != e.text) ++n;
    }
  }
  return n;
}

const Document* FindDoc(const std::vector<Document>& docs, const std::string& id) {
  for (const Document& d : docs) {
    if (d.id() == id) return &d;
  }
  return nullptr;
}

}  // namespace bioner::testing_formats
