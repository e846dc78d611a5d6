#include "bench/server_bench_util.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <iostream>
#include <sstream>

#include "core/model/token_classifier.h"
#include "core/text/pretokenize.h"
#include "core/util/file.h"
#include "core/util/utf8.h"

namespace bioner::bench {

StatusOr<std::vector<Document>> ReadAbstracts(const std::string& path, size_t max_docs) {
  // gzopen reads plain files transparently as well.
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) return NotFound("cannot open " + path);
  std::vector<Document> docs;
  std::string line;
  char buf[1 << 16];
  size_t line_no = 0;
  Status error;
  while (docs.size() < max_docs && gzgets(in, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.back() != '\n') continue;  // a line longer than the buffer
    ++line_no;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    line.clear();
    const std::string where = path + " line " + std::to_string(line_no);
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string() ||
        (j.contains("title") && !j["title"].is_string() && !j["title"].is_null())) {
      error = InvalidArgument(where + ": expected an object with string \"text\" and \"title\"");
      break;
    }
    const std::string text = j["text"].get<std::string>();
    if (text.empty()) continue;
    const std::string title = j.contains("title") && j["title"].is_string() ? j["title"].get<std::string>() : "";
    std::vector<Passage> passages;
    if (!title.empty()) passages.push_back({"title", 0, title});
    passages.push_back({"abstract", title.empty() ? 0 : utf8::Length(title) + 1, text});
    StatusOr<Document> doc = Document::Create("a" + std::to_string(line_no), std::move(passages));
    if (!doc.ok()) {
      error = doc.status().WithContext(where);
      break;
    }
    docs.push_back(std::move(doc).value());
  }
  gzclose(in);
  if (!error.ok()) return error;
  if (docs.empty()) return InvalidArgument(path + ": no abstracts");
  return docs;
}

WindowOptions ServingWindow(const WindowModel& model) {
  WindowOptions w;
  w.max_seq_len = std::min(model.max_seq_len(), 512);
  return w;
}

StatusOr<Tokenized> Tokenize(const std::vector<Document>& docs, const text::TextEncoder& encoder,
                             const WindowOptions& window) {
  Tokenized t;
  for (const Document& d : docs) {
    ASSIGN_OR_RETURN(PreparedDocument p, PrepareDocument(d, encoder, window));
    t.tokens.push_back(static_cast<int64_t>(p.num_tokens()));
    std::vector<size_t> lengths;
    for (const auto& in : p.inputs) lengths.push_back(in.size());
    t.windows.push_back(std::move(lengths));
  }
  return t;
}

StatusOr<int64_t> CountWords(const Document& doc) {
  text::PreTokenizer pre(/*lowercase=*/false);
  int64_t words = 0;
  for (const Passage& p : doc.passages()) {
    Status s = pre.Run(p.text, [&](const text::AlignedChars&, size_t, size_t) { ++words; });
    if (!s.ok()) return s.WithContext("document " + doc.id());
  }
  return words;
}

StatusOr<int64_t> WriteRandomRepository(const std::string& root,
                                        const std::vector<std::string>& types,
                                        const BertConfig& shape, const std::string& vocab_txt,
                                        uint64_t seed) {
  int64_t bytes = 0;
  for (const std::string& type : types) {
    BertConfig c = shape;
    c.labels = {"O", "B-" + type, "I-" + type};
    const std::string dir = root + "/" + type + "/1";
    RETURN_IF_ERROR(CreateRandomModel(c, dir, seed++, vocab_txt));
    RETURN_IF_ERROR(WriteFileAtomic(dir + "/tokenizer_config.json", R"({"do_lower_case": false})"));
    RETURN_IF_ERROR(WriteFileAtomic(root + "/" + type + "/current", "1\n"));
    std::error_code ec;
    const auto size = std::filesystem::file_size(dir + "/model.safetensors", ec);
    if (ec) return Internal(dir + "/model.safetensors: " + ec.message());
    bytes += static_cast<int64_t>(size);
  }
  return bytes;
}

double SumMetric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size(), name) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;  // another metric with this name as a prefix
    const size_t space = line.rfind(' ');
    sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

StatusOr<double> ReadCpuSeconds(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream in(path);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name "(...)", which may contain spaces: state is field 3,
  // utime and stime are fields 14 and 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return NotFound("cannot read " + path);
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::strtod(field.c_str(), nullptr);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

bool ReadIntFlags(const ArgParser& p, const std::string& program,
                  std::initializer_list<IntFlag> flags) {
  for (const IntFlag& f : flags) {
    auto x = p.GetInt(f.name);
    if (!x.ok() || *x < f.min) {
      std::cerr << program << ": --" << f.name << " must be an integer >= " << f.min << "\n";
      return false;
    }
    *f.value = *x;
  }
  return true;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double PaddingInOrder(const std::vector<size_t>& lengths, size_t batch) {
  double real = 0, padded = 0;
  batch = std::max<size_t>(batch, 1);
  for (size_t begin = 0; begin < lengths.size(); begin += batch) {
    const size_t end = std::min(begin + batch, lengths.size());
    size_t longest = 0;
    for (size_t i = begin; i < end; ++i) {
      real += static_cast<double>(lengths[i]);
      longest = std::max(longest, lengths[i]);
    }
    padded += static_cast<double>(longest * (end - begin));
  }
  return padded > 0 ? (padded - real) / padded : 0;
}

PaddingPlan PaddingSortedCapped(const std::vector<std::vector<size_t>>& groups, size_t budget,
                                double max_padding) {
  double real = 0, padded = 0, batches = 0, windows = 0;
  for (std::vector<size_t> g : groups) {
    std::sort(g.begin(), g.end(), std::greater<size_t>());
    for (size_t begin = 0; begin < g.size();) {
      const size_t longest = g[begin];  // sorted: the first is the longest
      double batch_real = static_cast<double>(g[begin]);
      size_t end = begin + 1;
      while (end < g.size() && (end - begin + 1) * longest <= budget) {
        const double slots = static_cast<double>((end - begin + 1) * longest);
        if ((slots - batch_real - static_cast<double>(g[end])) / slots > max_padding) break;
        batch_real += static_cast<double>(g[end]);
        ++end;
      }
      real += batch_real;
      padded += static_cast<double>((end - begin) * longest);
      windows += static_cast<double>(end - begin);
      ++batches;
      begin = end;
    }
  }
  PaddingPlan p;
  p.padding = padded > 0 ? (padded - real) / padded : 0;
  p.windows_per_batch = batches > 0 ? windows / batches : 0;
  return p;
}

StatusOr<std::vector<std::vector<float>>> CountingWindowModel::Run(
    const std::vector<std::vector<int32_t>>& inputs) {
  size_t longest = 0;
  for (const auto& in : inputs) {
    real_tokens += static_cast<int64_t>(in.size());
    longest = std::max(longest, in.size());
  }
  ++calls;
  windows += static_cast<int64_t>(inputs.size());
  padded_tokens += static_cast<int64_t>(longest * inputs.size());
  const auto start = std::chrono::steady_clock::now();
  auto out = inner_->Run(inputs);
  run_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

double EncoderFlopsPerToken(const BertConfig& c, double length) {
  const double h = static_cast<double>(c.hidden_size);
  const double i = static_cast<double>(c.intermediate_size);
  return static_cast<double>(c.num_hidden_layers) * 2.0 * (4 * h * h + 2 * h * i + 2 * length * h);
}

}  // namespace bioner::bench
