#include "tests/integration/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "core/model/embedding_table.h"
#include "core/model/token_classifier.h"
#include "core/model/word_tagger_model.h"
#include "core/util/file.h"
#include "tests/integration/subprocess.h"

namespace bioner::testing {

namespace {
const std::string kServer = std::string(BIONER_BINARY_DIR) + "/server/bioner-server";
const std::string kVocab =
    std::string(BIONER_TEST_DATA_DIR) + "/testvectors/vocab/biobert-v1.1/vocab.txt";
}  // namespace

Status WriteTinyModel(const std::string& dir, const std::string& type, uint64_t seed) {
  BertConfig c;
  c.vocab_size = 28996;
  c.hidden_size = 16;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.intermediate_size = 32;
  c.max_position_embeddings = 40;  // short, so that longer passages are windowed
  c.initializer_range = 0.5;       // large random weights: plenty of B-/I- predictions
  c.labels = {"O", "B-" + type, "I-" + type};
  ASSIGN_OR_RETURN(std::string vocab, ReadFile(kVocab));
  RETURN_IF_ERROR(CreateRandomModel(c, dir, seed, vocab));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/tokenizer_config.json", R"({"do_lower_case": false})"));
  return WriteFileAtomic(dir + "/metrics.json",
                         R"({"test": {"f1": 0.)" + std::to_string(seed % 10) + R"(}})");
}

Status WriteTinyWordTagger(const std::string& repo, const std::string& type, const std::string& version,
                           uint64_t seed, DType table_dtype) {
  // A table of a few words of the test texts' kind, random 8-dim vectors.
  EmbeddingTableData table;
  table.dim = 8;
  table.dtype = table_dtype;
  table.words = {kEmbeddingUnknownWord};
  for (const char* w : {"Mutations", "in", "BRCA1", "cause", "hereditary", "breast", "and", "ovarian", "cancer",
                        ";", "tamoxifen", "lowers", "the", "risk", ".", "of", "with", "patients", "-", "(", ")"}) {
    table.words.push_back(w);
  }
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::normal_distribution<float> normal;
  table.vectors.assign(table.words.size() * 8, 0.0f);
  for (size_t i = 8; i < table.vectors.size(); ++i) table.vectors[i] = normal(rng);
  const std::string staging = repo + "/.embeddings/.tmp-table-" + std::to_string(::getpid());
  std::error_code ec;
  std::filesystem::create_directories(staging, ec);
  if (ec) return Unavailable(staging + ": " + ec.message());
  ASSIGN_OR_RETURN(std::string sha, WriteEmbeddingTable(staging, table));
  const std::string final_dir = repo + "/.embeddings/" + sha;
  if (std::filesystem::exists(final_dir)) {
    std::filesystem::remove_all(staging, ec);
  } else {
    std::filesystem::rename(staging, final_dir, ec);
    if (ec) return Unavailable(final_dir + ": " + ec.message());
  }
  std::vector<std::string> chars;
  for (char c = 'a'; c <= 'z'; ++c) chars.emplace_back(1, c);
  for (char c = 'A'; c <= 'Z'; ++c) chars.emplace_back(1, c);
  const std::string dir = repo + "/" + type + "/" + version;
  RETURN_IF_ERROR(CreateRandomWordTagger(final_dir, type, chars, dir, seed));
  return WriteFileAtomic(dir + "/metrics.json", R"({"test": {"f1": 0.)" + std::to_string(seed % 10) + R"(}})");
}

bool WaitFor(const std::function<bool()>& condition, int seconds) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < give_up) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) RunProcess("rm -rf " + dir_);
}

Status ServerProcess::Start(const std::string& config_path, const std::string& binary) {
  const std::string program = binary.empty() ? kServer : binary;
  dir_ = MakeTempDir("bioner_server_");
  err_path_ = dir_ + "/stderr";
  pid_ = ::fork();
  if (pid_ < 0) return Internal("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDERR_FILENO);
    ::execl(program.c_str(), program.c_str(), "--config", config_path.c_str(), "--listen",
            "127.0.0.1:0", "--metrics", "127.0.0.1:0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  static const std::regex listening(R"(listening on 127\.0\.0\.1:([0-9]+))");
  static const std::regex metrics(R"(metrics on 127\.0\.0\.1:([0-9]+))");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    const std::string err = stderr_text();
    std::smatch m;
    if (std::regex_search(err, m, listening)) {
      port_ = std::stoi(m[1]);
      if (std::regex_search(err, m, metrics)) metrics_port_ = std::stoi(m[1]);
      return Status::Ok();
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Internal("bioner-server exited early: " + err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Internal("bioner-server did not start within 60 s: " + stderr_text());
}

int ServerProcess::Terminate(int timeout_s) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::string ServerProcess::stderr_text() const {
  std::ifstream in(err_path_);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::Channel> ServerProcess::Channel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

int ConnectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

StatusOr<std::string> ScrapeMetrics(int port) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return Unavailable("cannot connect to the metrics port " + std::to_string(port));
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return Internal("short write");
  }
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) response.append(buf, n);
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (response.compare(0, 12, "HTTP/1.0 200") != 0 && response.compare(0, 12, "HTTP/1.1 200") != 0) {
    return Internal("metrics answered: " + response.substr(0, 100));
  }
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

double MetricValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, series.size() + 1, series + " ") == 0) {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return 0;
}

}  // namespace bioner::testing
