// The pieces of bench/server_bench.cc and bench/models_bench.cc (docs/BENCHMARKS.md, "Server"
// and "Default models through the server") that are not the measurement loop: real abstracts
// as documents, the tokens and words they hold, a random-weight model repository, reading
// Prometheus text and /proc, order statistics, integer flags, a WindowModel decorator that
// counts padding, and the FLOPs of an encoder forward pass.
//
// Benchmark support, not a library: errors are Status values naming the file or process;
// nothing here is thread-safe unless stated.
#ifndef BIONER_BENCH_SERVER_BENCH_UTIL_H_
#define BIONER_BENCH_SERVER_BENCH_UTIL_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/decode/tagger.h"
#include "core/model/window_model.h"
#include "core/doc/document.h"
#include "core/model/bert_config.h"
#include "core/text/text_encoder.h"
#include "core/util/args.h"
#include "core/util/status.h"

namespace bioner::bench {

// Up to `max_docs` abstracts from a JSON-lines file (gzip or plain) whose objects have
// "title" and "text" (../shared/pretrain/*.jsonl.gz): one document per line, id "a<line>",
// a "title" passage (when the title is not empty) and an "abstract" passage one code point
// after it. Lines with an empty "text" are skipped; a malformed line is an error naming it.
StatusOr<std::vector<Document>> ReadAbstracts(const std::string& path, size_t max_docs);

// The windows the server cuts for `model` (server/model_registry.cc): its max_seq_len, at
// most 512, with the default overlap.
WindowOptions ServingWindow(const WindowModel& model);

// What one model sees of each document: its model-input tokens (windows with [CLS]/[SEP],
// what the server's bioner_tokens_total counts) and the lengths of its windows, in order.
struct Tokenized {
  std::vector<int64_t> tokens;               // per document
  std::vector<std::vector<size_t>> windows;  // window lengths per document
};
StatusOr<Tokenized> Tokenize(const std::vector<Document>& docs, const text::TextEncoder& encoder,
                             const WindowOptions& window);

// Words of `doc` by the project's pre-tokenizer (core/text/pretokenize.h, cased), over all
// its passages: a measure of text that does not depend on any model's tokenization.
StatusOr<int64_t> CountWords(const Document& doc);

// Writes `root`/<type>/1/ for each type (random weights of `shape`, labels O, B-type,
// I-type, `vocab_txt`, cased tokenizer_config.json) and `root`/<type>/current = 1.
// Returns the total size of the model.safetensors files in bytes.
StatusOr<int64_t> WriteRandomRepository(const std::string& root,
                                        const std::vector<std::string>& types,
                                        const BertConfig& shape, const std::string& vocab_txt,
                                        uint64_t seed);

// The sum of every sample of metric `name` (any labels) in Prometheus text format, e.g.
// SumMetric(text, "bioner_batch_tokens_sum") adds the histogram sums of all entity types.
double SumMetric(const std::string& text, const std::string& name);

// User + system CPU seconds the process `pid` has used so far (/proc/<pid>/stat), all its
// threads together; for comparing work done on a machine shared with other jobs.
StatusOr<double> ReadCpuSeconds(pid_t pid);

// "1.23 1.10 0.90" from /proc/loadavg (the load averages of 1, 5 and 15 minutes).
std::string LoadAverage();

// An integer flag of `ArgParser` and the smallest value it may take.
struct IntFlag {
  const char* name;
  long long* value;
  long long min;
};
// Reads each flag into its value. On a value that is not an integer >= min, prints
// "<program>: --<name> must be an integer >= <min>" to stderr and returns false (exit 2).
bool ReadIntFlags(const ArgParser& p, const std::string& program,
                  std::initializer_list<IntFlag> flags);

// The q-quantile (0 <= q <= 1) by linear interpolation; 0 for an empty vector.
double Quantile(std::vector<double> values, double q);
inline double Median(std::vector<double> values) { return Quantile(std::move(values), 0.5); }

// Padding fraction (padded - real) / padded when `lengths` are batched in the order given,
// `batch` at a time, each batch padded to its longest: the usual "pad to the longest
// sequence" without sorting.
double PaddingInOrder(const std::vector<size_t>& lengths, size_t batch);

// What-if for the batching policy: the windows of each group (one group per batch of
// documents in flight) sorted longest first and cut into batches that stay within `budget`
// padded tokens AND within `max_padding` (padded - real) / padded. Returns the padding
// fraction and the mean windows per batch.
struct PaddingPlan {
  double padding = 0, windows_per_batch = 0;
};
PaddingPlan PaddingSortedCapped(const std::vector<std::vector<size_t>>& groups, size_t budget,
                                double max_padding);

// Forwards Run() to `inner` and counts calls, windows, real and padded tokens (padded =
// windows x longest, what the model computes). Thread safety: as WindowModel.
class CountingWindowModel final : public WindowModel {
 public:
  explicit CountingWindowModel(std::shared_ptr<WindowModel> inner) : inner_(std::move(inner)) {}
  const LabelSet& labels() const override { return inner_->labels(); }
  int max_seq_len() const override { return inner_->max_seq_len(); }
  StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<int32_t>>& inputs) override;

  int64_t calls = 0, windows = 0, real_tokens = 0, padded_tokens = 0;
  double run_seconds = 0;  // wall time inside inner->Run()

 private:
  std::shared_ptr<WindowModel> inner_;
};

// Forward FLOPs per token of a BERT encoder at sequence length `length`: 2 x the
// multiply-adds of Q/K/V and output projections (4 h^2), the feed-forward (2 h i) and the
// two attention products (2 l h), per layer. Embeddings, layer norms, softmax and the
// classifier head (< 0.1 %) are left out.
double EncoderFlopsPerToken(const BertConfig& c, double length);

}  // namespace bioner::bench

#endif  // BIONER_BENCH_SERVER_BENCH_UTIL_H_
