#include "core/train/embed.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/model/embedding_table.h"
#include "core/text/pretokenize.h"
#include "core/train/work_state.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kCorpusFile[] = "fasttext-input.txt";  // removed before publication
constexpr char kFastTextBin[] = "fasttext.bin";

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct WordInfo {
  int64_t count = 0;
  bool in_train_split = false;
};

// Pre-tokenizes documents into fastText's input file (one document per line, words separated
// by one space) and counts the words.
class CorpusWriter {
 public:
  CorpusWriter(const std::string& path, bool lowercase) : path_(path), pre_(lowercase), out_(path, std::ios::binary) {}

  Status status() const {
    return out_ ? Status::Ok() : Unavailable(path_ + ": cannot write fastText's input file");
  }

  Status Add(const TextRecord& r, bool train_split) {
    line_.clear();
    RETURN_IF_ERROR(pre_.Run(r.text, [&](const text::AlignedChars& chars, size_t begin, size_t end) {
      word_.clear();
      for (size_t k = begin; k < end; ++k) utf8::Append(chars.chars[k], &word_);
      if (!line_.empty()) line_ += ' ';
      line_ += word_;
      WordInfo& w = words_[word_];
      ++w.count;
      w.in_train_split |= train_split;
      ++tokens_;
    }));
    if (line_.empty()) return Status::Ok();
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    return status();
  }

  Status Close() {
    out_.close();
    return out_ ? Status::Ok() : Unavailable(path_ + ": cannot write fastText's input file");
  }

  int64_t tokens() const { return tokens_; }
  const std::unordered_map<std::string, WordInfo>& words() const { return words_; }

 private:
  std::string path_;
  text::PreTokenizer pre_;
  std::ofstream out_;
  std::string line_, word_;
  std::unordered_map<std::string, WordInfo> words_;
  int64_t tokens_ = 0;
};

TextStats Sum(const TextStats& a, const TextStats& b) {
  TextStats s = a;
  s.files += b.files;
  s.documents_read += b.documents_read;
  s.documents_kept += b.documents_kept;
  s.documents_excluded += b.documents_excluded;
  s.documents_empty += b.documents_empty;
  s.bytes_kept += b.bytes_kept;
  for (const auto& [file, n] : b.excluded_by_file) s.excluded_by_file[file] += n;
  return s;
}

fasttext::Args FastTextArgs(const EmbedConfig& c, const std::string& input) {
  fasttext::Args a;
  a.input = input;
  a.model = fasttext::model_name::sg;
  a.loss = fasttext::loss_name::ns;
  a.dim = c.dim;
  a.epoch = c.epochs;
  a.minn = c.minn;
  a.maxn = c.maxn;
  a.minCount = c.min_count;
  a.ws = c.window;
  a.neg = c.neg;
  a.lr = c.lr;
  a.bucket = c.bucket;
  a.thread = c.threads;
  a.seed = c.seed;
  a.wordNgrams = 1;
  a.verbose = c.fasttext_progress ? 2 : 0;
  return a;
}

// fastText throws std::invalid_argument / std::runtime_error / std::ios_base::failure; the one
// adapter that turns them into a Status.
template <typename F>
Status CallFastText(const std::string& what, F&& f) {
  try {
    f();
    return Status::Ok();
  } catch (const std::invalid_argument& e) {
    return InvalidArgument("fastText " + what + ": " + e.what());
  } catch (const std::exception& e) {
    return Internal("fastText " + what + ": " + e.what());
  }
}

// Progress without a terminal: one line per tenth of the training.
fasttext::FastText::TrainCallback ProgressLines(std::ostream* log) {
  if (log == nullptr) return {};
  auto next = std::make_shared<int>(1);
  return [log, next](float progress, float /*loss*/, double words_per_sec_thread, double lr, int64_t eta) {
    if (progress * 10 < *next) return;
    *next = static_cast<int>(std::floor(progress * 10)) + 1;
    // fastText updates `loss` only for its own progress display (verbose > 1): not shown here.
    *log << "embed: training " << std::fixed << std::setprecision(0) << progress * 100 << "%, lr "
         << std::setprecision(5) << lr << ", " << std::setprecision(0) << words_per_sec_thread
         << " words/s/thread, eta " << eta << " s" << std::defaultfloat << std::endl;
  };
}

// The words fastText kept must be the words counted here with count >= min_count, with the
// same counts: the check that its input file holds exactly the words written.
Status CheckDictionary(const fasttext::Dictionary& dict, const std::unordered_map<std::string, WordInfo>& words,
                       int min_count, int64_t* dictionary_words) {
  const std::vector<int64_t> counts = dict.getCounts(fasttext::entry_type::word);
  int64_t n = 0;
  for (int32_t i = 0; i < dict.nwords(); ++i) {
    const std::string w = dict.getWord(i);
    if (w == fasttext::Dictionary::EOS) continue;
    auto it = words.find(w);
    if (it == words.end() || it->second.count != counts[i]) {
      return Internal("fastText's dictionary disagrees with the words written: '" + w + "' counted " +
                      std::to_string(counts[i]) + " times by fastText, " +
                      std::to_string(it == words.end() ? 0 : it->second.count) + " here");
    }
    ++n;
  }
  int64_t frequent = 0;
  for (const auto& [w, info] : words) frequent += info.count >= min_count;
  if (frequent != n) {
    return Internal("fastText kept " + std::to_string(n) + " words, but " + std::to_string(frequent) +
                    " were written at least --min-count times");
  }
  *dictionary_words = n;
  return Status::Ok();
}

// Removes the temporary folder unless it was published.
class TempFolder {
 public:
  explicit TempFolder(std::string path) : path_(std::move(path)) {}
  TempFolder(TempFolder&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  TempFolder& operator=(TempFolder&&) = delete;
  ~TempFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// An empty temporary folder beside `out`, removed unless released: the table is written there
// and published by renaming it to `out`.
StatusOr<TempFolder> MakeTempFolderBeside(const std::string& out_dir) {
  const fs::path out(out_dir);
  TempFolder tmp(TempDir(out.parent_path().empty() ? "." : out.parent_path().string(), out.filename().string()));
  std::error_code ec;
  fs::remove_all(tmp.path(), ec);
  if (!fs::create_directories(tmp.path(), ec)) {
    return Unavailable("--out " + out_dir + ": cannot create " + tmp.path() + ": " + ec.message());
  }
  return StatusOr<TempFolder>(std::move(tmp));
}

}  // namespace

Status CheckEmbedConfig(const EmbedConfig& c) {
  if (c.inputs.empty()) return InvalidArgument("--in: at least one input file is required");
  for (const auto* list : {&c.inputs, &c.train_splits}) {
    const char* flag = list == &c.inputs ? "--in " : "--train-split ";
    for (const std::string& f : *list) {
      if (fs::is_directory(f)) {
        return InvalidArgument(flag + f + ": a folder; give its files (e.g. " + (fs::path(f) / "*.jsonl.gz").string() +
                               ")");
      }
      if (!fs::is_regular_file(f)) return NotFound(flag + f + ": no such file");
    }
  }
  if (c.out.empty()) return InvalidArgument("--out is required");
  if (fs::exists(c.out)) return AlreadyExists("--out " + c.out + ": exists; embed never overwrites a table");
  const fs::path parent = fs::path(c.out).parent_path();
  if (!parent.empty() && !fs::is_directory(parent)) {
    return NotFound("--out " + c.out + ": the parent folder " + parent.string() + " does not exist");
  }
  struct Range {
    const char* flag;
    long long value, min, max;
  };
  for (Range r : {Range{"--dim", c.dim, 1, 65536}, Range{"--epochs", c.epochs, 1, 1000000},
                  Range{"--minn", c.minn, 1, 100}, Range{"--maxn", c.maxn, 1, 100},
                  Range{"--min-count", c.min_count, 1, std::numeric_limits<int>::max()},
                  Range{"--window", c.window, 1, 1000}, Range{"--neg", c.neg, 1, 1000},
                  Range{"--bucket", c.bucket, 1, std::numeric_limits<int>::max()},
                  Range{"--threads", c.threads, 1, 1024}, Range{"--seed", c.seed, 0, std::numeric_limits<int>::max()}}) {
    if (r.value < r.min || r.value > r.max) {
      return InvalidArgument(std::string(r.flag) + " must be in [" + std::to_string(r.min) + ", " +
                             std::to_string(r.max) + "], got " + std::to_string(r.value));
    }
  }
  if (c.minn > c.maxn) {
    return InvalidArgument("--minn (" + std::to_string(c.minn) + ") must not exceed --maxn (" +
                           std::to_string(c.maxn) + ")");
  }
  if (!(c.lr > 0 && c.lr < 10)) return InvalidArgument("--lr must be in (0, 10)");
  return Status::Ok();
}

StatusOr<EmbedOutcome> TrainEmbeddings(const EmbedConfig& c, const ExcludedIds& excluded, std::ostream* log) {
  RETURN_IF_ERROR(CheckEmbedConfig(c));
  const Clock::time_point t0 = Clock::now();
  EmbedOutcome outcome;
  ASSIGN_OR_RETURN(TempFolder tmp, MakeTempFolderBeside(c.out));

  // 1-2. Pre-tokenized text for fastText.
  const std::string corpus_path = (fs::path(tmp.path()) / kCorpusFile).string();
  CorpusWriter corpus(corpus_path, c.lowercase);
  RETURN_IF_ERROR(corpus.status());
  if (log) *log << "embed: reading and pre-tokenizing " << c.inputs.size() + c.train_splits.size() << " files" << std::endl;
  TextStats in_stats;
  RETURN_IF_ERROR(ReadTexts(
      c.inputs, excluded, [&](const TextRecord& r) { return corpus.Add(r, false); }, &in_stats));
  RETURN_IF_ERROR(ReadTexts(
      c.train_splits, excluded, [&](const TextRecord& r) { return corpus.Add(r, true); },
      &outcome.train_split_stats));
  RETURN_IF_ERROR(corpus.Close());
  outcome.text_stats = Sum(in_stats, outcome.train_split_stats);
  outcome.tokens = corpus.tokens();
  outcome.distinct_words = static_cast<int64_t>(corpus.words().size());
  if (outcome.tokens == 0) return FailedPrecondition("embed: the inputs hold no words (after exclusion)");
  if (log) {
    *log << "embed: " << DescribeTextStats(outcome.text_stats, excluded) << "\nembed: " << outcome.tokens
         << " words, " << outcome.distinct_words << " distinct; training fastText skip-gram (dim " << c.dim
         << ", " << c.epochs << " epochs, " << c.threads << " threads)" << std::endl;
  }

  // 3. Training, then the vectors of the kept words.
  fasttext::FastText ft;
  const Clock::time_point t_train = Clock::now();
  RETURN_IF_ERROR(CallFastText("training", [&] {
    ft.train(FastTextArgs(c, corpus_path), c.fasttext_progress ? fasttext::FastText::TrainCallback()
                                                               : ProgressLines(log));
  }));
  outcome.train_seconds = Since(t_train);
  if (c.fasttext_progress && log) *log << std::endl;  // after fastText's \r progress line
  std::error_code ec;
  fs::remove(corpus_path, ec);
  RETURN_IF_ERROR(CheckDictionary(*ft.getDictionary(), corpus.words(), c.min_count, &outcome.dictionary_words));

  std::vector<const std::pair<const std::string, WordInfo>*> kept;
  for (const auto& entry : corpus.words()) {
    if (entry.second.count >= c.min_count || entry.second.in_train_split) kept.push_back(&entry);
  }
  std::sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) {
    return a->second.count != b->second.count ? a->second.count > b->second.count : a->first < b->first;
  });
  outcome.train_words_added = static_cast<int64_t>(kept.size()) - outcome.dictionary_words;
  EmbeddingTableData table;
  table.dim = c.dim;
  table.lowercase = c.lowercase;
  table.dtype = c.dtype;
  table.words.reserve(kept.size() + 1);
  table.words.emplace_back(kEmbeddingUnknownWord);
  table.vectors.assign((kept.size() + 1) * static_cast<size_t>(c.dim), 0.0f);
  int64_t zero_vectors = 0;
  RETURN_IF_ERROR(CallFastText("word vectors", [&] {
    fasttext::Vector v(c.dim);
    for (const auto* entry : kept) {
      ft.getWordVector(v, entry->first);
      bool zero = true;
      for (int k = 0; k < c.dim; ++k) zero &= v[k] == 0.0f;
      zero_vectors += zero;
      std::copy(v.data(), v.data() + c.dim, table.vectors.begin() + table.words.size() * c.dim);
      table.words.push_back(entry->first);
    }
  }));
  outcome.table_words = static_cast<int64_t>(table.words.size());

  // 4. The folder.
  const TextStats& s = outcome.text_stats;
  nlohmann::json training = {
      {"method", "fastText skip-gram, negative sampling, character n-grams (libfasttext)"},
      {"pretokenizer", c.lowercase ? "bioner BERT pre-tokenizer, lowercased" : "bioner BERT pre-tokenizer, cased"},
      {"dim", c.dim},
      {"epochs", c.epochs},
      {"minn", c.minn},
      {"maxn", c.maxn},
      {"min_count", c.min_count},
      {"window", c.window},
      {"neg", c.neg},
      {"lr", c.lr},
      {"bucket", c.bucket},
      {"threads", c.threads},
      {"seed", c.seed},
      {"inputs", c.inputs},
      {"train_splits", c.train_splits},
      {"documents_read", s.documents_read},
      {"documents_kept", s.documents_kept},
      {"documents_removed_by_id", s.documents_excluded},
      {"documents_empty", s.documents_empty},
      {"train_split_documents_kept", outcome.train_split_stats.documents_kept},
      {"exclusion_ids", excluded.ids_read},
      {"exclusion_ids_unmatchable", excluded.ids_unmatchable},
      {"exclusion_sources", excluded.sources},
      {"tokens", outcome.tokens},
      {"distinct_words", outcome.distinct_words},
      {"dictionary_words", outcome.dictionary_words},
      {"train_split_words_below_min_count", outcome.train_words_added},
      {"zero_vectors", zero_vectors},
      {"train_seconds", outcome.train_seconds},
  };
  table.training_json = training.dump();
  if (log) *log << "embed: writing " << table.words.size() << " words to " << c.out << std::endl;
  ASSIGN_OR_RETURN(outcome.sha256, WriteEmbeddingTable(tmp.path(), table));
  if (c.keep_fasttext_bin) {
    const std::string bin = (fs::path(tmp.path()) / kFastTextBin).string();
    RETURN_IF_ERROR(CallFastText("saving " + bin, [&] { ft.saveModel(bin); }));
  }
  RETURN_IF_ERROR(Publish(tmp.path(), c.out, PublishMode::kReplace));
  tmp.Release();
  outcome.seconds = Since(t0);
  return outcome;
}

StatusOr<std::string> ConvertEmbeddings(const std::string& from, const std::string& out, DType dtype) {
  if (fs::exists(out)) return AlreadyExists("--out " + out + ": exists; embed never overwrites a table");
  ASSIGN_OR_RETURN(EmbeddingTable source, EmbeddingTable::Load(from));
  EmbeddingTableData data = ToEmbeddingTableData(source);
  data.dtype = dtype;
  ASSIGN_OR_RETURN(TempFolder tmp, MakeTempFolderBeside(out));
  ASSIGN_OR_RETURN(std::string sha256, WriteEmbeddingTable(tmp.path(), data));
  RETURN_IF_ERROR(Publish(tmp.path(), out, PublishMode::kReplace));
  tmp.Release();
  return sha256;
}

}  // namespace bioner::train
