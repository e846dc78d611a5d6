#include "client/input_list.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "client/corpus_io.h"
#include "core/util/file.h"

namespace bioner::client {
namespace {

namespace fs = std::filesystem;

// Longest first: "a.xml.gz" is stripped of ".xml.gz", not of ".gz".
constexpr const char* kDocumentExtensions[] = {".xml.gz", ".pubtator", ".jsonl", ".nxml",
                                               ".json",   ".xml",      ".txt"};

// The path the file system means by `path`, for comparing two names of one file (it need
// not exist yet: an output).
std::string Canonical(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

// "dir: 3 input files; ignored: 2 other files (e.g. a.md5), 1 subfolder (not entered)".
std::string FolderNote(const std::string& dir, size_t inputs, size_t others,
                       const std::string& other_example, size_t subfolders) {
  std::string note = dir + ": " + std::to_string(inputs) + " input file" + (inputs == 1 ? "" : "s");
  if (others + subfolders == 0) return note;
  note += "; ignored:";
  if (others > 0) {
    note += " " + std::to_string(others) + " other file" + (others == 1 ? "" : "s") +
            " (no document extension, e.g. " + other_example + ")";
  }
  if (subfolders > 0) {
    note += std::string(others > 0 ? "," : "") + " " + std::to_string(subfolders) +
            (subfolders == 1 ? " subfolder" : " subfolders") + " (not entered)";
  }
  return note;
}

// The input files of folder `dir`, sorted by name, and the note on what was left out.
Status ListFolder(const std::string& dir, std::vector<std::string>* files,
                  std::vector<std::string>* notes) {
  std::error_code ec;
  std::vector<std::string> names;
  size_t others = 0, subfolders = 0;
  std::string other_example;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // hidden, and editors' temporary files
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      ++subfolders;
    } else if (!it->is_regular_file(type_ec)) {
      continue;  // sockets, fifos, broken links: nothing to read
    } else if (HasDocumentExtension(name)) {
      names.push_back(name);
    } else if (++others == 1) {
      other_example = name;
    }
  }
  if (ec) return NotFound("--in " + dir + ": cannot list the folder: " + ec.message());
  std::sort(names.begin(), names.end());
  const std::string prefix = dir.back() == '/' ? dir : dir + "/";
  for (const std::string& n : names) files->push_back(prefix + n);
  notes->push_back(FolderNote(dir, names.size(), others, other_example, subfolders));
  return Status::Ok();
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

bool HasDocumentExtension(const std::string& name) {
  return std::any_of(std::begin(kDocumentExtensions), std::end(kDocumentExtensions),
                     [&](const char* ext) { return HasExtension(name, ext); });
}

std::string OutputNameFor(const std::string& input, OutputFormat format) {
  std::string name = fs::path(input).filename().string();
  size_t cut = name.size();
  for (const char* ext : kDocumentExtensions) {
    if (HasExtension(name, ext) && name.size() > std::char_traits<char>::length(ext)) {
      cut = name.size() - std::char_traits<char>::length(ext);
      break;
    }
  }
  if (cut == name.size()) {
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0) cut = dot;
  }
  return name.substr(0, cut) + OutputExtension(format);
}

StatusOr<InputListing> ListInputs(const std::vector<std::string>& args, const std::string& out_dir,
                                  OutputFormat format) {
  InputListing listing;
  std::vector<std::string> paths;
  const std::string out_canonical = Canonical(out_dir);
  for (const std::string& arg : args) {
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) return NotFound("--in " + arg + ": no such file or folder");
    if (fs::is_directory(st)) {
      if (Canonical(arg) == out_canonical) {
        return InvalidArgument("--out-dir " + out_dir + " is also an input folder (--in " + arg +
                               "): the outputs would be read as inputs by the next run; "
                               "choose another --out-dir");
      }
      RETURN_IF_ERROR(ListFolder(arg, &paths, &listing.notes));
    } else {
      paths.push_back(arg);
    }
  }
  const std::string prefix = out_dir.empty() || out_dir.back() == '/' ? out_dir : out_dir + "/";
  std::set<std::string> inputs;
  for (const std::string& p : paths) inputs.insert(Canonical(p));
  std::map<std::string, std::string> input_of;  // output name -> the input that claims it
  for (const std::string& p : paths) {
    InputFile f;
    f.path = p;
    const std::string name = OutputNameFor(p, format);
    f.output = prefix + name;
    auto [it, fresh] = input_of.emplace(name, p);
    if (!fresh) {
      return InvalidArgument("--in " + it->second + " and " + p + " would both be written to " +
                             f.output +
                             " (the same file twice, or one name with two "
                             "extensions); give each input once, or annotate them into "
                             "different --out-dir folders");
    }
    if (inputs.count(Canonical(f.output))) {
      return InvalidArgument("the output of --in " + p + " would be " + f.output +
                             ", which is an input; choose another --out-dir");
    }
    std::error_code ec;
    f.bytes = fs::file_size(p, ec);
    if (ec) f.bytes = 0;  // unreadable: the run reports it as a refused file
    listing.files.push_back(std::move(f));
  }
  return listing;
}

StatusOr<Shard> ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard s;
  try {
    size_t used_k = 0, used_n = 0;
    if (slash != std::string::npos) {
      s.index = std::stoi(text.substr(0, slash), &used_k);
      s.count = std::stoi(text.substr(slash + 1), &used_n);
    }
    if (slash != std::string::npos && used_k == slash && used_n == text.size() - slash - 1 &&
        s.count >= 1 && s.index >= 0 && s.index < s.count) {
      return s;
    }
  } catch (const std::exception&) {
  }
  return InvalidArgument(
      "--shard expects K/N with 0 <= K < N (e.g. 0/4 ... 3/4 for four "
      "processes), got '" +
      text + "'");
}

std::vector<InputFile> SelectShard(const std::vector<InputFile>& files, Shard shard) {
  std::vector<InputFile> out;
  for (const InputFile& f : files) {
    const uint64_t h = Fnv1a(fs::path(f.path).filename().string());
    if (h % static_cast<uint64_t>(shard.count) == static_cast<uint64_t>(shard.index)) {
      out.push_back(f);
    }
  }
  return out;
}

}  // namespace bioner::client
