// The input files of a many-file annotation run (`--in DIR_OR_FILE... --out-dir DIR`): the
// --in arguments expanded into one ordered list, each input's output file in the output
// folder named after it, and the split of that list between client processes (--shard).
//
// Stateless functions; thread-safe.
#ifndef BIONER_CLIENT_INPUT_LIST_H_
#define BIONER_CLIENT_INPUT_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/formats/writers.h"
#include "core/util/status.h"

namespace bioner::client {

struct InputFile {
  std::string path;    // as given, or folder/name for a folder's file
  std::string output;  // out_dir/OutputNameFor(path)
  uint64_t bytes = 0;  // the size, for the progress estimate
};

struct InputListing {
  std::vector<InputFile> files;
  // One line per folder: how many inputs it gave and what in it was left out, e.g.
  // "baseline/: 1219 input files; ignored: 1219 other files (e.g. pubmed25n0001.xml.gz.md5)".
  std::vector<std::string> notes;
};

// The names a folder's file needs to be an input (DetectInputFormat's): .jsonl, .xml.gz,
// .xml, .nxml, .json, .pubtator, .txt, in any case.
bool HasDocumentExtension(const std::string& name);

// `input`'s file name without its document extension (or, for another name, without its last
// extension), plus OutputExtension(format): "pubmed25n0001.xml.gz" -> "pubmed25n0001.jsonl".
std::string OutputNameFor(const std::string& input, OutputFormat format);

// Expands `args` in order: a folder stands for its regular files with a document extension,
// sorted by name (not recursive; names starting with '.' are skipped); a file stands for
// itself whatever its name (--in-format may name its format). Refused before any work, with
// the paths named: an argument that does not exist, two inputs with one output name (the
// same file given twice, or a.xml.gz beside a.jsonl), an output that would overwrite an
// input, and `out_dir` being one of the input folders (the next run would read the outputs).
StatusOr<InputListing> ListInputs(const std::vector<std::string>& args, const std::string& out_dir,
                                  OutputFormat format);

// --shard K/N: this process annotates the K-th of N disjoint parts of the list (0 <= K < N).
struct Shard {
  int index = 0;
  int count = 1;
};
// Parses "K/N"; the error names the flag and the value.
StatusOr<Shard> ParseShard(const std::string& text);
// The files of `shard`, in order: those whose file name (not its folder) hashes to
// shard.index modulo shard.count. The choice depends on the name alone, so processes that
// list the folder at different moments (PubMed adds update files daily) still split it
// without overlap; the parts are even only on average.
std::vector<InputFile> SelectShard(const std::vector<InputFile>& files, Shard shard);

}  // namespace bioner::client

#endif  // BIONER_CLIENT_INPUT_LIST_H_
